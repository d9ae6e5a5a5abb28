using System.CommandLine;
using AgentRouter.Cli.MainJob;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Presets;
using Spectre.Console;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter run</c>: the main job — suite test-split queries routed across the shipped local agents
/// (agents/local), merged, with delayed feedback; a table and plots at the end.</summary>
internal static class RunCommand
{
    public static Command Build()
    {
        var agents = new Option<string>("--agents") { Description = "Agent manifest directory.", DefaultValueFactory = _ => Path.Combine("agents", "local") };
        var policy = new Option<string>("--policy")
        {
            Description = "Routing policy: a policy name (its defaults) or a preset from policies/ (name or file path).",
            DefaultValueFactory = _ => "pheromone",
        };
        var panel = new Option<int>("--panel") { Description = "Agents asked per query.", DefaultValueFactory = _ => 3 };
        var merge = new Option<string>("--merge")
        {
            Description = "Merge strategy; weighted-vote (the default) is the quality-weighted vote.",
            DefaultValueFactory = _ => "weighted-vote",
        };
        var queries = new Option<int>("--queries") { Description = "Queries to stream.", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Seed of the suite and the policy.", DefaultValueFactory = _ => 1 };
        var delay = new Option<int>("--feedback-delay") { Description = "Feedback arrives this many queries later.", DefaultValueFactory = _ => 5 };
        var report = new Option<string>("--report") { Description = "Folder for the plots.", DefaultValueFactory = _ => "reports/run" };
        var measuredLatency = new Option<bool>("--measured-latency")
        {
            Description = "Policies learn from measured wall-clock latency (varies with machine load) instead of each manifest's expectedLatencyMs, which makes a seeded run reproducible.",
        };
        var command = new Command("run", "Route suite queries across the shipped local agents, merge, learn from delayed feedback; table and plots at the end.")
        {
            agents, policy, panel, merge, queries, seed, delay, report, measuredLatency,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new MainJobSettings(parseResult.GetValue(agents)!, parseResult.GetValue(policy)!, parseResult.GetValue(panel),
                parseResult.GetValue(merge)!, parseResult.GetValue(queries), parseResult.GetValue(seed), parseResult.GetValue(delay),
                parseResult.GetValue(measuredLatency));
            if (settings.PanelSize < 1 || settings.Queries < 1 || settings.FeedbackDelay < 0)
            {
                await Console.Error.WriteLineAsync("error: --panel and --queries must be at least 1, --feedback-delay at least 0").ConfigureAwait(false);
                return CliErrors.BadInputExitCode;
            }

            if (!MergeCatalog.IsKnown(settings.Merge))
            {
                await Console.Error.WriteLineAsync(
                    $"error: --merge: unknown merge strategy '{settings.Merge}' (known: {string.Join(", ", MergeCatalog.Names.Order(StringComparer.Ordinal))})").ConfigureAwait(false);
                return CliErrors.BadInputExitCode;
            }

            if (!PolicyCatalog.IsKnown(settings.Policy))
            {
                try
                {
                    PolicyPresetLoader.Load(settings.Policy, PolicyPresetLoader.DefaultDirectory()).CreatePolicy();
                }
                catch (PolicyPresetException error)
                {
                    await Console.Error.WriteLineAsync($"error: --policy: not a policy name ({string.Join(", ", PolicyCatalog.Names.Order(StringComparer.Ordinal))}) " +
                        $"and not a preset: {error.Message}").ConfigureAwait(false);
                    return CliErrors.BadInputExitCode;
                }
            }

            TorchSharp.torch.set_num_threads(1);

            // Every agent scored offline on the very queries of the run: the reference the routing is judged against
            // (each domain's best agent, the best single agent).
            var (oracleReports, oracleErrors) = LocalAgentEvaluation.Evaluate(settings.AgentsDirectory, MainJobRunner.Items(settings));
            if (oracleErrors.Count > 0)
            {
                foreach (var error in oracleErrors)
                {
                    await Console.Error.WriteLineAsync($"error: {error}").ConfigureAwait(false);
                }
                return CliErrors.BadInputExitCode;
            }

            IReadOnlyList<MainJobRecord> records;
            try
            {
                records = await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask($"{settings.Policy}, panel {settings.PanelSize}", maxValue: settings.Queries);
                        return await MainJobRunner.RunAsync(settings, answered => task.Value = answered, cancellationToken).ConfigureAwait(false);
                    }).ConfigureAwait(false);
            }
            catch (ManifestValidationException error)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
                return CliErrors.BadInputExitCode;
            }

            Console.Write(MainJobReport.Table(settings.Policy, records, new MainJobOracle(oracleReports)));
            Console.WriteLine(settings.MeasuredLatency
                ? "policies learned from measured latency (--measured-latency): the table above depends on machine load"
                : "policies learned from modelled latency (each manifest's expectedLatencyMs): the table above is the same on every run of this command");
            Console.WriteLine();
            Console.Write(MainJobReport.MeasuredLatencyTable(records));
            foreach (var file in MainJobReport.WritePlots(parseResult.GetValue(report)!, settings.Policy, records))
            {
                Console.WriteLine($"wrote {file}");
            }
            return 0;
        });
        return command;
    }
}
