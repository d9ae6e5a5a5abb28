using System.CommandLine;
using System.Globalization;
using System.Text;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Training;
using TorchSharp;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter eval</c>: per-domain answer accuracy of every <c>local</c> agent on the suite's test split,
/// as a Markdown table (the table in agents/README.md comes from it).</summary>
internal static class EvalCommand
{
    public static Command Build()
    {
        var agents = new Option<DirectoryInfo>("--agents")
        {
            Description = "Directory of agent manifests; its 'local' agents are evaluated.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("agents", "local")),
        };
        var items = new Option<int>("--items") { Description = "Test-split items (spread over all domains).", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed") { Description = "Suite generator seed.", DefaultValueFactory = _ => 1 };
        var difficulties = new Option<int[]>("--difficulty") { Description = "Difficulty levels (repeatable).", DefaultValueFactory = _ => [1], AllowMultipleArgumentsPerToken = true };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads.", DefaultValueFactory = _ => 1 };
        var command = new Command("eval", "Per-domain accuracy of the local agents on the suite's test split.") { agents, items, seed, difficulties, threads };
        command.SetAction(parseResult =>
        {
            if (parseResult.GetValue(items) < 1 || parseResult.GetValue(threads) < 1)
            {
                Console.Error.WriteLine("error: --items and --threads must be at least 1");
                return CliErrors.BadInputExitCode;
            }

            torch.set_num_threads(parseResult.GetValue(threads));
            var suite = SuiteGenerator.Generate(new SuiteGenerationOptions(
                parseResult.GetValue(items), (ulong)parseResult.GetValue(seed), SuiteSplitFilter.Test, null, parseResult.GetValue(difficulties)));
            var (reports, errors) = LocalAgentEvaluation.Evaluate(parseResult.GetValue(agents)!.FullName, suite);
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    Console.Error.WriteLine($"error: {error}");
                }
                return CliErrors.BadInputExitCode;
            }
            Console.Write(Table(reports));
            return 0;
        });
        return command;
    }

    private static string Table(IReadOnlyList<(string Agent, EvaluationReport Report)> reports)
    {
        var domains = reports.SelectMany(report => report.Report.Domains.Select(domain => domain.Domain)).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append("| agent | ").AppendJoin(" | ", domains).AppendLine(" | all |");
        text.Append("|---|").AppendJoin("", domains.Select(_ => "---:|")).AppendLine("---:|");
        foreach (var (agent, report) in reports)
        {
            text.Append("| ").Append(agent).Append(" | ");
            foreach (var domain in domains)
            {
                var accuracy = report.Domains.FirstOrDefault(d => d.Domain == domain);
                text.Append(accuracy is null ? "–" : Percent(accuracy.Accuracy)).Append(" | ");
            }
            text.Append(Percent(report.Accuracy)).Append(CultureInfo.InvariantCulture, $" ({report.Correct}/{report.Total})").AppendLine(" |");
        }
        return text.ToString();
    }

    private static string Percent(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
