using System.Globalization;
using AgentRouter.Actors.Replay;
using AgentRouter.Core.Replay;
using Spectre.Console;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter replay --via-actors</c>: each online policy replayed directly and through the actor
/// runtime (replay agent actors, a router, delayed feedback), side by side.</summary>
internal static class ReplayViaActors
{
    public static int Run(ReplayWorkload workload, ReplaySettings settings, IReadOnlyList<string> policies, int concurrency)
    {
        if (concurrency < 1)
        {
            throw new ArgumentException("--actor-concurrency must be at least 1.");
        }

        var online = policies.Where(p => !ReplayBaselines.IsBaseline(p)).ToList();
        foreach (var skipped in policies.Except(online))
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(skipped)}: a replay baseline reads recorded outcomes, so it has no actor equivalent; skipped[/]");
        }

        var table = new Table().AddColumns("policy", "direct accuracy", "actors accuracy", "direct cost $", "actors cost $", "same decisions", "failed");
        foreach (var policy in online)
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(policy)}: {workload.Items.Count} queries directly and through the actors ({concurrency} in flight)[/]");
            var comparison = ActorReplay.CompareAsync(workload, settings, policy, concurrency).GetAwaiter().GetResult();
            table.AddRow(
                policy,
                F(comparison.DirectAccuracy, "0.0000"),
                F(comparison.ViaActors.Accuracy, "0.0000"),
                F(comparison.DirectTotalCost, "0.0000"),
                F(comparison.ViaActors.TotalCost, "0.0000"),
                F(comparison.SameDecisions, "P1"),
                comparison.ViaActors.Failed.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(concurrency == 1
            ? "One query at a time, each query's feedback delivered before the next: the actors should match the direct replay exactly."
            : $"{concurrency} queries in flight: feedback reaches the policy later than in the direct replay, so decisions drift.");
        return 0;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
