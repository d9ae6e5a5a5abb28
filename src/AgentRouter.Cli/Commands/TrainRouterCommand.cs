using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Predictive;
using AgentRouter.Core.Replay;
using AgentRouter.Embeddings;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter train-router</c>: trains a predictive router (KNN, MLP or MF) on logged outcomes and
/// saves it as a router file that a policy preset (<c>"policy": "contextual"</c>) or <c>replay --router-file</c> names.</summary>
internal static class TrainRouterCommand
{
    public static Command Build()
    {
        var data = new Option<string>("--data") { Description = "Training data: RouterBench CSV or open7b JSON (the train split).", Required = true };
        var kind = new Option<string>("--kind") { Description = "knn, mlp or mf.", Required = true };
        var k = new Option<int>("--k") { Description = "KNN: neighbours (cosine).", DefaultValueFactory = _ => 10 };
        var hidden = new Option<string>("--hidden") { Description = "MLP: hidden layer sizes, comma-separated (100 or 100,100).", DefaultValueFactory = _ => "100" };
        var seed = new Option<int>("--seed") { Description = "Seeds the training.", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Router file to write (default routers/<kind label>.router.json)." };
        var format = new Option<string>("--format") { Description = "routerbench, open7b or auto.", DefaultValueFactory = _ => "auto" };
        var cache = new Option<string?>("--embedding-cache") { Description = "Folder for cached query embeddings." };
        var noWarmStart = new Option<bool>("--no-warm-start")
        {
            Description = "Do not fit the contextual policy's arms on the data (out-of-fold, 5 retrainings) into the router file.",
        };
        var command = new Command("train-router", "Train a predictive router (KNN, MLP or matrix factorisation) on logged outcomes over sentence embeddings.");
        foreach (var option in new Option[] { data, kind, k, hidden, seed, output, format, cache, noWarmStart })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse => CliErrors.Guard(() =>
        {
            try
            {
                var spec = new PredictorSpec(parse.GetValue(kind)!.ToLowerInvariant(), parse.GetValue(k), ParseHidden(parse.GetValue(hidden)!));
                if (!PredictorSpec.Kinds.Contains(spec.Kind))
                {
                    throw new CliUsageException($"--kind: unknown router kind '{spec.Kind}'. Known: {string.Join(", ", PredictorSpec.Kinds)}.");
                }

                if (spec.K < 1)
                {
                    throw new CliUsageException("--k must be at least 1.");
                }

                var workload = ReplayDataLoader.Load(parse.GetValue(data)!, parse.GetValue(format)!, new ReplayReadOptions(parse.GetValue(seed)));
                Console.WriteLine($"{workload.Items.Count} queries, {workload.Agents.Count} models from {workload.Source}");
                using var embedder = new MiniLmEmbedder();
                var (vectors, cached) = WorkloadEmbedding.Embed(workload, embedder,
                    new EmbeddingCache(parse.GetValue(cache) ?? EmbeddingCache.DefaultDirectory), Console.WriteLine);
                Console.WriteLine($"embeddings ({embedder.ModelId}) {(cached ? "read from the cache" : "computed and cached")}");
                var table = OutcomeTable.FromWorkload(workload, vectors);
                var started = Stopwatch.GetTimestamp();
                var predictor = spec.Train(table, parse.GetValue(seed), Console.WriteLine);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained {predictor.Label} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
                var path = parse.GetValue(output) ?? Path.Combine("routers", $"{predictor.Label}.router.json");
                var router = new RouterFile(predictor, table.Models, table.MeanCost, embedder.ModelId, $"{workload.Source} ({table.Features.Count} queries)", parse.GetValue(seed));
                if (!parse.GetValue(noWarmStart))
                {
                    started = Stopwatch.GetTimestamp();
                    router = router with
                    {
                        WarmStart = ContextualWarmStart.Fit(router, spec, table, ContextualWarmStart.DefaultProjectionSize, parse.GetValue(seed), progress: Console.WriteLine),
                    };
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fitted the contextual warm start (out-of-fold {predictor.Label}) in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
                }

                router.Save(path);
                Console.WriteLine($"wrote {path}");
                return 0;
            }
            catch (Exception error) when (error is ReplayDataException or RouterFileException or EmbeddingModelException or ArgumentException)
            {
                throw new CliUsageException(error.Message);
            }
        }));
        return command;
    }

    private static int[] ParseHidden(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : throw new CliUsageException($"--hidden: '{part}' is not a positive layer size."))
        .ToArray() is { Length: > 0 } sizes ? sizes : throw new CliUsageException("--hidden needs at least one layer size.");
}
