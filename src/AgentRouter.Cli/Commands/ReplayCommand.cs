using System.CommandLine;
using System.Globalization;
using AgentRouter.Core.Evaluation;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Predictive;
using AgentRouter.Core.Presets;
using AgentRouter.Embeddings;
using AgentRouter.Core.Replay;
using Spectre.Console;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter replay</c>: replays recorded (or simulated) outcomes through routing policies and
/// writes the comparison as JSON, CSV and Markdown. With no arguments it runs the built-in simulated workload.</summary>
internal static class ReplayCommand
{
    private const int BadInputExitCode = 2;

    public static Command Build()
    {
        var data = new Option<string?>("--data") { Description = "RouterBench CSV or open7b JSON file; omit to run the built-in simulated workload." };
        var format = new Option<string>("--format") { Description = "routerbench, open7b or auto (by extension / content).", DefaultValueFactory = _ => "auto" };
        var policies = new Option<string?>("--policies") { Description = "Comma-separated policies, preset files (*.json) and baselines (oracle, best-single); default: every registered online policy plus both baselines." };
        var panel = new Option<int>("--panel") { Description = "Agents per query for the online policies.", DefaultValueFactory = _ => 1 };
        var merge = new Option<string>("--merge") { Description = $"Merge strategy for panels above 1: {string.Join(", ", MergeCatalog.Names)}.", DefaultValueFactory = _ => "majority" };
        var seed = new Option<int>("--seed") { Description = "Seeds the query order, the policies and the simulated/latency draws.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Output folder (default reports/replay-<UTC timestamp>)." };
        var skipBadRows = new Option<bool>("--skip-bad-rows") { Description = "Skip (and count) malformed rows instead of stopping at the first." };
        var feedbackDelay = new Option<int>("--feedback-delay") { Description = "Deliver each query's feedback N queries later.", DefaultValueFactory = _ => 0 };
        var aiqGrid = new Option<string?>("--aiq-grid") { Description = "Comma-separated cost weights λ for the AIQ sweep (default 0,0.1,0.25,0.5,1,2,5,10,20)." };
        var assumedCost = new Option<string>("--assumed-cost") { Description = "open7b has no cost: 'params' (0.0001 $ per billion parameters per call) or 'uniform' (0.0007 $ per call).", DefaultValueFactory = _ => "params" };
        var latencyBase = new Option<double>("--latency-base-ms") { Description = "Latency model: base milliseconds per call (recorded data only).", DefaultValueFactory = _ => LatencyModel.Default.BaseMs };
        var latencyPerToken = new Option<double>("--latency-per-token-ms") { Description = "Latency model: milliseconds per output token.", DefaultValueFactory = _ => LatencyModel.Default.MsPerOutputToken };
        var latencyJitter = new Option<double>("--latency-jitter") { Description = "Latency model: relative jitter j, factor drawn from U[1-j, 1+j].", DefaultValueFactory = _ => LatencyModel.Default.Jitter };
        var warmupData = new Option<string?>("--warmup") { Description = "Earlier data in the same format (e.g. the train split) each online policy learns from before the scored replay." };
        var queries = new Option<int>("--queries") { Description = "Queries in the simulated workload.", DefaultValueFactory = _ => SimulatedWorkload.DefaultQueries };
        var viaActors = new Option<bool>("--via-actors") { Description = "Drive the online policies through the actor runtime and compare with the direct replay." };
        var aiqNormalisation = new Option<string>("--aiq-normalisation") { Description = "routerbench (area to the report's largest cost ÷ that cost, as RouterBench's AIQ.py) or range (area over the router's own [c_min, c_max] ÷ its width).", DefaultValueFactory = _ => "routerbench" };
        var train = new Option<string?>("--train") { Description = "Train split (same format): trains the predictive routers (KNN k=5/10/40, MLP (100) and (100,100), MF) on its sentence embeddings and adds them, the contextual policies warm-started from them and the cold contextual policy as rows." };
        var routerKinds = new Option<string>("--routers") { Description = "With --train: which router kinds to train (knn, mlp, mf).", DefaultValueFactory = _ => "knn,mlp,mf" };
        var routerFiles = new Option<string?>("--router-file") { Description = "Comma-separated router files from 'agentrouter train-router' to add as rows." };
        var contextual = new Option<bool>("--contextual") { Description = "Add the cold-start contextual policy (embeddings, no training data); implied by --train and --router-file." };
        var embeddingCache = new Option<string?>("--embedding-cache") { Description = "Folder for cached query embeddings (default $AGENTROUTER_EMBEDDING_CACHE or ~/.cache/agentrouter/embeddings)." };
        var lambdaGrid = new Option<string?>("--lambda-grid") { Description = "Willingness-to-pay values λ swept for the embedding routers (score λ·P̂ − cost); default RouterBench's 32 values from 1e-10 to 1e9." };
        var strongModel = new Option<string>("--strong") { Description = "RouteLLM pair: the strong model.", DefaultValueFactory = _ => StrongWeakEvaluation.DefaultStrong };
        var weakModel = new Option<string>("--weak") { Description = "RouteLLM pair: the weak model.", DefaultValueFactory = _ => StrongWeakEvaluation.DefaultWeak };
        var actorConcurrency = new Option<int>("--actor-concurrency") { Description = "With --via-actors: queries in flight at once (1 reproduces the direct replay; more shows the drift).", DefaultValueFactory = _ => 1 };

        var command = new Command("replay", "Replay recorded or simulated outcomes through routing policies and compare them.");
        foreach (var option in new Option[] { data, format, policies, panel, merge, seed, output, skipBadRows, feedbackDelay, aiqGrid, assumedCost, latencyBase, latencyPerToken, latencyJitter, warmupData, queries, viaActors, actorConcurrency, aiqNormalisation, train, routerKinds, routerFiles, contextual, embeddingCache, lambdaGrid, strongModel, weakModel })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var settings = new ReplaySettings(parse.GetValue(seed), parse.GetValue(panel), parse.GetValue(merge)!, parse.GetValue(feedbackDelay));
                ValidateSettings(settings);
                var chosen = SplitList(parse.GetValue(policies)) is { Count: > 0 } named ? named : ReplayComparison.DefaultPolicies();
                ReplayComparison.Validate(chosen);
                var grid = ParseGrid(parse.GetValue(aiqGrid));
                var normalisation = ParseNormalisation(parse.GetValue(aiqNormalisation)!);
                var latency = new LatencyModel(parse.GetValue(latencyBase), parse.GetValue(latencyPerToken), parse.GetValue(latencyJitter));
                var readOptions = new ReplayReadOptions(settings.Seed, parse.GetValue(skipBadRows), latency, ParseAssumedCost(parse.GetValue(assumedCost)!));
                var workload = LoadWorkload(parse.GetValue(data), parse.GetValue(format)!, readOptions, parse.GetValue(queries), settings.Seed);
                var warmup = parse.GetValue(warmupData) is { } warmupPath ? LoadWorkload(warmupPath, parse.GetValue(format)!, readOptions, 0, settings.Seed) : null;
                AnsiConsole.MarkupLine("[grey]Featurizing queries once (hashed n-grams)[/]");
                workload.AttachFeatures(new HashedNGramFeaturizer());
                warmup?.AttachFeatures(new HashedNGramFeaturizer());
                if (parse.GetValue(viaActors))
                {
                    if (warmup is not null)
                    {
                        throw new ArgumentException("--via-actors does not take --warmup yet: the actor replay starts every policy from an empty state.");
                    }

                    return ReplayViaActors.Run(workload, settings, chosen, parse.GetValue(actorConcurrency));
                }

                Action<string> progress = message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
                var trainPath = parse.GetValue(train);
                var files = SplitList(parse.GetValue(routerFiles));
                ReplayRouters? routers = null;
                if (trainPath is not null || files.Count > 0 || parse.GetValue(contextual))
                {
                    var trainSet = trainPath is null ? null : LoadWorkload(trainPath, parse.GetValue(format)!, readOptions, 0, settings.Seed);
                    var kinds = SplitList(parse.GetValue(routerKinds));
                    if (kinds.FirstOrDefault(kind => !PredictorSpec.Kinds.Contains(kind, StringComparer.OrdinalIgnoreCase)) is { } unknown)
                    {
                        throw new ArgumentException($"--routers: unknown kind '{unknown}'. Known: {string.Join(", ", PredictorSpec.Kinds)}.");
                    }

                    routers = ReplayRouters.Build(workload, trainSet, kinds, files, ParseLambdaGrid(parse.GetValue(lambdaGrid)), settings.Seed,
                        parse.GetValue(embeddingCache) ?? EmbeddingCache.DefaultDirectory, progress);
                    workload.Load.Assumptions.Add(ReplayRouters.LatencyNote(routers.EmbedMsPerQuery));
                }

                var report = ReplayComparison.Run(workload, settings, chosen, grid, progress, warmup, normalisation, routers?.Routers);
                if (routers is not null)
                {
                    report = report with { StrongWeak = routers.StrongWeak(workload, parse.GetValue(strongModel)!, parse.GetValue(weakModel)!) };
                }
                var directory = parse.GetValue(output) ?? Path.Combine("reports", $"replay-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
                var written = ReplayReportWriter.Write(report, directory).Concat(RouterReport.Write(report, directory)).ToArray();
                Render(report);
                AnsiConsole.MarkupLine($"Reports: {Markup.Escape(string.Join(", ", written))}");
                return 0;
            }
            catch (ReplayDataException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return BadInputExitCode;
            }
            catch (RouterFileException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return BadInputExitCode;
            }
            catch (EmbeddingModelException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return BadInputExitCode;
            }
            catch (PolicyPresetException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return BadInputExitCode;
            }
            catch (ArgumentException error)
            {
                // The parameter-name suffix .NET appends means nothing to someone typing options.
                var message = error.ParamName is null ? error.Message : error.Message.Replace($" (Parameter '{error.ParamName}')", string.Empty, StringComparison.Ordinal);
                Console.Error.WriteLine($"error: {message}");
                return BadInputExitCode;
            }
        });
        return command;
    }

    private static ReplayWorkload LoadWorkload(string? path, string format, ReplayReadOptions options, int simulatedQueries, int seed)
    {
        if (path is null)
        {
            if (simulatedQueries < 1)
            {
                throw new ArgumentException("--queries must be at least 1.");
            }

            AnsiConsole.MarkupLine($"[grey]No --data: simulated workload, {simulatedQueries} queries, seed {seed}[/]");
            return SimulatedWorkload.Create(seed, simulatedQueries);
        }

        AnsiConsole.MarkupLine($"[grey]Loading {Markup.Escape(path)}[/]");
        var workload = ReplayDataLoader.Load(path, format, options);
        AnsiConsole.MarkupLine($"[grey]{workload.Items.Count} queries, {workload.Agents.Count} agents ({workload.Format}); {workload.Load.RowsSkipped} bad rows skipped[/]");
        return workload;
    }

    private static void ValidateSettings(ReplaySettings settings)
    {
        if (settings.PanelSize < 1)
        {
            throw new ArgumentException("--panel must be at least 1.");
        }

        if (settings.FeedbackDelay < 0)
        {
            throw new ArgumentException("--feedback-delay must not be negative.");
        }

        if (!MergeCatalog.IsKnown(settings.Merge))
        {
            MergeCatalog.Create(settings.Merge); // throws the catalog's error, which lists the known names
        }
    }

    private static List<string> SplitList(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static IReadOnlyList<double>? ParseGrid(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var grid = new List<double>();
        foreach (var part in SplitList(text))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || !double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentException($"--aiq-grid: '{part}' is not a non-negative number.");
            }

            grid.Add(weight);
        }

        return grid.Count > 0 ? grid : throw new ArgumentException("--aiq-grid needs at least one cost weight.");
    }

    /// <summary>λ values for the embedding routers: finite and non-negative, at least one.</summary>
    internal static IReadOnlyList<double> ParseLambdaGrid(string? text)
    {
        if (text is null)
        {
            return RouterBenchAiq.WillingnessToPay;
        }

        var grid = new List<double>();
        foreach (var part in SplitList(text))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var lambda) || !double.IsFinite(lambda) || lambda < 0)
            {
                throw new ArgumentException($"--lambda-grid: '{part}' is not a finite, non-negative number.");
            }

            grid.Add(lambda);
        }

        return grid.Count > 0 ? grid : throw new ArgumentException("--lambda-grid is empty: give at least one λ.");
    }

    private static AiqNormalisation ParseNormalisation(string text) => text.ToLowerInvariant() switch
    {
        "routerbench" => AiqNormalisation.RouterBench,
        "range" => AiqNormalisation.CostRange,
        _ => throw new ArgumentException($"--aiq-normalisation: unknown value '{text}'. Known: routerbench, range."),
    };

    private static AssumedCost ParseAssumedCost(string text) => text.ToLowerInvariant() switch
    {
        "params" => AssumedCost.Params,
        "uniform" => AssumedCost.Uniform,
        _ => throw new ArgumentException($"--assumed-cost: unknown rule '{text}'. Known: params, uniform."),
    };

    private static void Render(ReplayReport report)
    {
        // Redirected output has no terminal width; Spectre would assume 80 columns and wrap every cell.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 160;
        }

        var warm = report.Warmup is null ? string.Empty : $", warm-up {Markup.Escape(report.Warmup)}";
        var table = new Table().Title($"Replay of {Markup.Escape(report.Source)} ({report.Queries} queries, panel {report.Settings.PanelSize}, {Markup.Escape(report.Settings.Merge)}, seed {report.Settings.Seed}{warm})");
        table.AddColumns("policy", "acc", "$/query", "cost×best", "acc×best", "AIQ", "regret", "µs/dec", "top agent");
        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach (var p in report.Policies)
        {
            var top = p.TrafficShare.MaxBy(pair => pair.Value);
            table.AddRow(
                Markup.Escape(p.Policy),
                p.Accuracy.ToString("0.0000", CultureInfo.InvariantCulture),
                p.MeanCost.ToString("0.000000", CultureInfo.InvariantCulture),
                p.CostVsBestSingle.ToString("0.000", CultureInfo.InvariantCulture),
                p.AccuracyVsBestSingle.ToString("0.000", CultureInfo.InvariantCulture),
                p.Aiq?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "—",
                p.CumulativeRegret.ToString("0.0", CultureInfo.InvariantCulture),
                p.MeanDecisionMicroseconds.ToString("0.00", CultureInfo.InvariantCulture),
                Markup.Escape($"{top.Key[(top.Key.LastIndexOf('/') + 1)..]} {top.Value * 100:0}%"));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Best single agent in hindsight: {Markup.Escape(report.BestSingleAgent)}. cost×best and acc×best are relative to it; regret is cumulative against the oracle.");
    }
}
