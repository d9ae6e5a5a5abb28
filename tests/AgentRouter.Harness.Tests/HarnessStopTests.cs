using AgentRouter.Core.Harness;
using AgentRouter.Core.Replay;
using AgentRouter.Hosting;

namespace AgentRouter.Harness.Tests;

/// <summary>Clean stops (#15 "robust runs"): the <c>--max-cost</c> budget and Ctrl-C (cancellation) stop starting calls,
/// keep everything recorded and write the outputs; a resumed run then completes without duplicates. Over three
/// in-process <c>recorded</c> agents of the ARC file (costs known from the file).</summary>
public sealed class HarnessStopTests
{
    private const int Items = 30;

    private static readonly string[] Models = ["gpt-4-1106-preview", "claude-v1", "gpt-3.5-turbo-1106"];

    [Fact]
    public async Task The_budget_stops_starting_calls_once_the_spend_reaches_it()
    {
        using var folder = new TemporaryFolder();
        var source = RouterBenchReader.Read(HarnessTestPaths.ArcTest, new ReplayReadOptions());
        var maxCallCost = source.Items.Take(Items).SelectMany(i => Models.Select(m => source.TryGetAgentIndex(m, out var a) ? i.AnswerOf(a)?.Cost ?? 0 : 0)).Max();
        const double Cap = 0.05;
        var options = new HarnessRunOptions(HarnessTestPaths.ArcTest, folder.Sub("run"), Concurrency: 1, MaxCost: Cap, Limit: Items);
        await using var agents = await RecordedAgentsAsync(folder, options);

        var result = await HarnessSession.RunAsync(options, agents.Targets, null, null, CancellationToken.None);

        Assert.True(result.Run.Stop == HarnessStop.BudgetReached, $"{result.Run.Stop}: spent {result.Run.Spent} in {result.Run.Records.Count} calls, {result.Run.CallsLeft} left");
        Assert.True(result.Run.CallsLeft > 0);
        Assert.InRange(result.Run.Spent, Cap, Cap + (Models.Length * maxCallCost));
        Assert.Equal(result.Run.Spent, CallLog.Read(result.CallsPath).Sum(r => r.Cost), 12);
        Assert.True(File.Exists(result.OutcomesPath));
    }

    [Fact]
    public async Task Cancelling_keeps_what_was_recorded_and_a_resume_completes_it_exactly_once()
    {
        using var folder = new TemporaryFolder();
        var options = new HarnessRunOptions(HarnessTestPaths.ArcTest, folder.Sub("run"), Concurrency: 2, Limit: Items);
        await using (var agents = await RecordedAgentsAsync(folder, options))
        {
            using var ctrlC = new CancellationTokenSource();
            var stopped = await HarnessSession.RunAsync(options, agents.Targets, p =>
            {
                if (p.Done == 20)
                {
                    ctrlC.Cancel();
                }
            }, null, ctrlC.Token);

            Assert.Equal(HarnessStop.Cancelled, stopped.Run.Stop);
            Assert.InRange(stopped.Run.Records.Count, 20, (Items * Models.Length) - 1);
            Assert.Equal(stopped.Run.Records.Count, CallLog.Read(stopped.CallsPath).Count);
            Assert.True(File.Exists(stopped.OutcomesPath));
        }

        await using (var agents = await RecordedAgentsAsync(folder, options))
        {
            var resumed = await HarnessSession.RunAsync(options with { Resume = true }, agents.Targets, null, null, CancellationToken.None);

            Assert.Equal(HarnessStop.Completed, resumed.Run.Stop);
            var keys = CallLog.Read(resumed.CallsPath).Select(r => r.Key).ToList();
            Assert.Equal(Items * Models.Length, keys.Count);
            Assert.Equal(keys.Count, keys.Distinct().Count());
        }
    }

    /// <summary>The three models as <c>recorded</c> manifests in an in-process runtime, one fixed-router target each.</summary>
    private static async Task<RecordedAgents> RecordedAgentsAsync(TemporaryFolder folder, HarnessRunOptions options)
    {
        var directory = folder.Sub("agents");
        foreach (var (model, index) in Models.Select((m, i) => (m, i)))
        {
            File.WriteAllText(Path.Combine(directory, $"a{index}.json"), $$$"""
                {"name": "{{{model}}}", "backend": "recorded", "capacity": 4, "settings": {"file": "{{{HarnessTestPaths.ArcTest}}}"}}
                """);
        }

        var runtimeOptions = HarnessRuntime.Options(options, new HarnessRuntimeOptions(), directory, null);
        var runtime = await AgentRouterHost.StartRuntimeAsync(runtimeOptions);
        return new RecordedAgents(runtime, [.. HarnessRuntime.AgentNames(runtimeOptions)
            .Select(a => (IHarnessTarget)new RouterTarget(runtime.Client, "agent:" + a, a, false, 1, null, options.Concurrency))]);
    }

    private sealed record RecordedAgents(AgentRouter.Actors.Runtime.AgentRouterRuntime Runtime, IReadOnlyList<IHarnessTarget> Targets) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Runtime.DisposeAsync();
    }
}
