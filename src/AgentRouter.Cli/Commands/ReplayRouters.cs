using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using AgentRouter.Core.Evaluation;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Predictive;
using AgentRouter.Core.Replay;
using AgentRouter.Embeddings;

namespace AgentRouter.Cli.Commands;

/// <summary>The embedding-based routers of a replay: embeds the test (and train) queries with MiniLM through the
/// cache, trains the predictive routers on the train split (RouterBench's KNN and MLP grid, RouteLLM-style MF),
/// and builds their rows plus the contextual online policies (warm-started from a trained router, and cold).</summary>
internal sealed class ReplayRouters
{
    private const int LatencySamples = 50;
    private static readonly string[] WarmStartedFamilies = ["knn-10", "mlp-100", "mf"];

    private ReplayRouters(IReadOnlyList<ExtraRouter> routers, IReadOnlyList<RouterFile> trained, double embedMsPerQuery, Dictionary<string, float[]> byText)
    {
        Routers = routers;
        Trained = trained;
        EmbedMsPerQuery = embedMsPerQuery;
        ByText = byText;
    }

    public IReadOnlyList<ExtraRouter> Routers { get; }

    public IReadOnlyList<RouterFile> Trained { get; }

    /// <summary>Mean time to embed one query alone (what live routing adds to each decision).</summary>
    public double EmbedMsPerQuery { get; }

    public Dictionary<string, float[]> ByText { get; }

    /// <param name="train">Null: only the cold-start contextual policy (no training data).</param>
    /// <param name="routerFiles">Saved routers to add as rows (checked against the data's models and dimension).</param>
    public static ReplayRouters Build(
        ReplayWorkload test, ReplayWorkload? train, IReadOnlyList<string> kinds, IReadOnlyList<string> routerFiles,
        IReadOnlyList<double> grid, int seed, string cacheDirectory, Action<string> progress)
    {
        using var embedder = new MiniLmEmbedder();
        progress($"embedding model {embedder.ModelId} loaded in {embedder.LoadTime.TotalSeconds:0.0} s; cache {cacheDirectory}");
        var cache = new EmbeddingCache(cacheDirectory);
        var (testVectors, testCached) = WorkloadEmbedding.Embed(test, embedder, cache, progress);
        progress($"test queries: {testVectors.Length} embeddings {(testCached ? "read from the cache" : "computed and cached")}");
        var sets = new List<(ReplayWorkload, float[][])> { (test, testVectors) };
        var trained = new List<RouterFile>();
        var warmStarts = new Dictionary<RouterFile, ContextualWarmStart>();
        if (train is not null)
        {
            var (trainVectors, trainCached) = WorkloadEmbedding.Embed(train, embedder, cache, progress);
            progress($"train queries: {trainVectors.Length} embeddings {(trainCached ? "read from the cache" : "computed and cached")}");
            sets.Add((train, trainVectors));
            var table = OutcomeTable.FromWorkload(train, trainVectors);
            foreach (var spec in PredictorSpec.ReferenceSet.Where(spec => kinds.Contains(spec.Kind, StringComparer.OrdinalIgnoreCase)))
            {
                var started = Stopwatch.GetTimestamp();
                var predictor = spec.Train(table, seed);
                progress($"trained {predictor.Label} on {table.Features.Count} queries in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
                var file = new RouterFile(predictor, table.Models, table.MeanCost, embedder.ModelId, $"{train.Source} ({table.Features.Count} queries)", seed);
                trained.Add(file);
                if (WarmStartedFamilies.Contains(predictor.Label))
                {
                    started = Stopwatch.GetTimestamp();
                    warmStarts[file] = ContextualWarmStart.Fit(file, spec, table, ContextualWarmStart.DefaultProjectionSize, seed, progress: progress);
                    progress($"ctx-{predictor.Label}: arms fitted on {table.Features.Count} training queries with out-of-fold P̂ in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
                }
            }
        }

        foreach (var path in routerFiles)
        {
            var file = RouterFile.Load(path);
            CheckCompatible(file, test, embedder);
            trained.Add(file);
        }

        var latency = MeasureSingleQueryLatency(embedder, test);
        var byText = WorkloadEmbedding.ByText(sets.ToArray());
        var routers = new List<ExtraRouter>();
        foreach (var file in trained)
        {
            file.ModelIndices(test.Agents.Select(agent => agent.Name), test.Source);
            var predictions = new ConditionalWeakTable<float[], double[]>();
            var label = file.Predictor.Label;
            routers.Add(new ExtraRouter(label, "predictive", grid,
                lambda => new EmbeddedQueryPolicy(new PredictiveRouterPolicy(file, lambda ?? PredictiveRouterPolicy.DefaultWillingness, predictions, label), byText)));
        }

        // Contextual policies on top of a trained router: one per router family (KNN k=10, the one-layer MLP, MF), with
        // arms fitted on the training split (out-of-fold P̂) when this replay trained the router or the router file
        // holds them; a router file without them gives the router-prior policy.
        foreach (var file in trained.Where(file => WarmStartedFamilies.Contains(file.Predictor.Label) || file.WarmStart is not null))
        {
            var predictions = new ConditionalWeakTable<float[], double[]>();
            var warmStart = warmStarts.GetValueOrDefault(file) ?? file.WarmStart;
            var projection = warmStart?.ProjectionSize ?? ContextualWarmStart.DefaultProjectionSize;
            var alpha = warmStart is null ? ContextualParameters.DefaultAlpha : ContextualWarmStart.DefaultAlpha;
            routers.Add(new ExtraRouter($"ctx-{file.Predictor.Label}", warmStart is null ? "contextual (router prior)" : "contextual (warm-started)", grid,
                lambda => new EmbeddedQueryPolicy(
                    new ContextualBanditPolicy(file, lambda ?? PredictiveRouterPolicy.DefaultWillingness, seed, alpha, projection, predictions: predictions, warmStart: warmStart),
                    byText)));
        }

        routers.Add(new ExtraRouter("ctx-linucb", "contextual (cold)", grid,
            lambda => new EmbeddedQueryPolicy(new ContextualBanditPolicy(null, lambda ?? PredictiveRouterPolicy.DefaultWillingness, seed), byText)));
        return new ReplayRouters(routers, trained, latency, byText);
    }

    /// <summary>RouteLLM's metrics for every trained router on the strong/weak pair (strong-win score = P̂_strong − P̂_weak).</summary>
    public IReadOnlyList<StrongWeakSummary> StrongWeak(ReplayWorkload test, string strong, string weak) => Trained
        .Select(file =>
        {
            var (s, w) = (file.Models.ToList().IndexOf(strong), file.Models.ToList().IndexOf(weak));
            if (s < 0 || w < 0)
            {
                return null;
            }

            var predicted = new double[file.Models.Count];
            return StrongWeakEvaluation.Evaluate(test, file.Predictor.Label, strong, weak, query =>
            {
                file.Predictor.Predict(ByText[query.Text], predicted);
                return predicted[s] - predicted[w];
            });
        })
        .OfType<StrongWeakSummary>()
        .ToArray();

    private static void CheckCompatible(RouterFile file, ReplayWorkload test, MiniLmEmbedder embedder)
    {
        if (file.Predictor.Dimension != embedder.Dimension || file.EmbeddingModel != embedder.ModelId)
        {
            throw new RouterFileException(
                $"router '{file.Predictor.Label}' was trained on {file.Predictor.Dimension}-dimensional features from {file.EmbeddingModel}; this replay embeds with {embedder.ModelId} ({embedder.Dimension} dimensions)");
        }

        file.ModelIndices(test.Agents.Select(agent => agent.Name), test.Source);
    }

    private static double MeasureSingleQueryLatency(MiniLmEmbedder embedder, ReplayWorkload test)
    {
        var texts = test.Items.Take(LatencySamples).Select(item => RoutingText.Of(item.Query.Text)).ToArray();
        embedder.Featurize(texts[0]); // first call pays ONNX Runtime's one-time set-up
        var started = Stopwatch.GetTimestamp();
        foreach (var text in texts)
        {
            embedder.Featurize(text);
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds / texts.Length;
    }

    public static string LatencyNote(double ms) => string.Create(CultureInfo.InvariantCulture,
        $"live routing embeds each query once per decision: {ms:0.00} ms per query (mean of {LatencySamples} single-query MiniLM embeddings in this run, on top of the policy's own decision time)");
}
