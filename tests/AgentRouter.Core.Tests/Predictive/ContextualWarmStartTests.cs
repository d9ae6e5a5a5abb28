using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Predictive;

namespace AgentRouter.Core.Tests.Predictive;

/// <summary>The contextual policy on top of a trained router: its prior is the router itself, and a warm start fitted
/// on the router's training data (out-of-fold P̂) calibrates it — shrinking a router with no signal to the models'
/// means and keeping one that reads the query.</summary>
public sealed class ContextualWarmStartTests
{
    private static readonly string[] Models = ["strong", "weak"];
    private static readonly double[] EqualCosts = [0.001, 0.001];

    /// <summary>Features unrelated to the outcomes: "strong" is right 70 % of the time, "weak" 50 %, independently.</summary>
    private static (OutcomeTable Table, float[][] Test) NoSignal(int seed)
    {
        var random = new Random(seed);
        float[] Features() => Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var features = Enumerable.Range(0, 400).Select(_ => Features()).ToArray();
        var quality = features.Select(_ => new double[] { random.NextDouble() < 0.7 ? 1 : 0, random.NextDouble() < 0.5 ? 1 : 0 }).ToArray();
        return (new OutcomeTable(Models, features, quality, EqualCosts), Enumerable.Range(0, 300).Select(_ => Features()).ToArray());
    }

    /// <summary>A KNN-5 router trained on the no-signal table and its warm start (4-d projection).</summary>
    private static (OutcomeTable Table, float[][] Test, PredictorSpec Spec, RouterFile Router, ContextualWarmStart WarmStart) NoSignalRouter(int seed)
    {
        var (table, test) = NoSignal(seed);
        var spec = new PredictorSpec("knn", K: 5);
        var router = new RouterFile(spec.Train(table, 1), Models, EqualCosts, "test", "no signal", 1);
        return (table, test, spec, router, ContextualWarmStart.Fit(router, spec, table, projectionSize: 4, seed: 1));
    }

    private static double ShareRoutedTo(IRoutingPolicy policy, float[][] test, string model)
    {
        var candidates = Models.Select(m => new Candidate(AgentProfile.Simple(m))).ToArray();
        return test.Select((features, i) => policy.Select(new Query($"q{i}", "text", Features: features), candidates, 1).Panel[0])
            .Count(chosen => chosen == model) / (double)test.Length;
    }

    [Fact]
    public void Warm_start_shrinks_a_router_without_signal_to_the_models_means()
    {
        var (_, test, _, router, warmStart) = NoSignalRouter(seed: 2);

        // KNN-5 on noise often rates "weak" above "strong" for a query; the calibrated arms learn that its P̂ carries
        // nothing and route by the means.
        var bare = ShareRoutedTo(new PredictiveRouterPolicy(router, 1e6), test, "strong");
        var warm = ShareRoutedTo(new ContextualBanditPolicy(router, 1e6, seed: 1, alpha: 0, projectionSize: 4, warmStart: warmStart), test, "strong");
        Assert.True(warm >= 0.95 && warm > bare + 0.1, $"strong chosen: warm-started {warm:P1}, bare router {bare:P1}");
    }

    [Fact]
    public void Warm_start_keeps_a_router_that_reads_the_query()
    {
        // The text decides which of two specialists is right; the router learns it and the warm start must keep it.
        var random = new Random(4);
        float[] Features(bool first) => [first ? 1f : -1f, (float)random.NextDouble(), (float)random.NextDouble()];
        var rows = Enumerable.Range(0, 500).Select(i => (First: random.Next(2) == 0, i)).Select(row => (Features: Features(row.First), row.First)).ToArray();
        var table = new OutcomeTable(Models, rows.Take(300).Select(r => r.Features).ToArray(),
            rows.Take(300).Select(r => new double[] { r.First ? 1 : 0, r.First ? 0 : 1 }).ToArray(), EqualCosts);
        var spec = new PredictorSpec("knn", K: 10);
        var router = new RouterFile(spec.Train(table, 1), Models, EqualCosts, "test", "specialists", 1);
        var policy = new ContextualBanditPolicy(router, 1e6, seed: 3, alpha: 0, projectionSize: 2,
            warmStart: ContextualWarmStart.Fit(router, spec, table, projectionSize: 2, seed: 3));
        var candidates = Models.Select(m => new Candidate(AgentProfile.Simple(m))).ToArray();
        var right = rows.Skip(300).Count(row => policy.Select(new Query("q", "t", Features: row.Features), candidates, 1).Panel[0] == (row.First ? "strong" : "weak"));
        Assert.True(right >= 195, $"{right} of 200 routed to the right specialist");
    }

    [Fact]
    public void Without_a_warm_start_the_policy_starts_exactly_where_the_router_is()
    {
        var (table, test) = NoSignal(seed: 5);
        var router = new RouterFile(new PredictorSpec("knn", K: 5).Train(table, 1), Models, [0.001, 0.002], "test", "no signal", 1);
        var candidates = Models.Select(m => new Candidate(AgentProfile.Simple(m))).ToArray();
        foreach (var lambda in new[] { 0.001, 0.01, 1.0 })
        {
            var contextual = new ContextualBanditPolicy(router, lambda, seed: 1, alpha: 0, projectionSize: 4);
            var predictive = new PredictiveRouterPolicy(router, lambda);
            foreach (var (features, i) in test.Select((f, i) => (f, i)))
            {
                var query = new Query($"q{i}", "text", Features: features);
                Assert.Equal(predictive.Select(query, candidates, 1).Panel, contextual.Select(query, candidates, 1).Panel);
            }
        }
    }

    [Fact]
    public void Out_of_fold_predictions_never_see_their_own_row_and_are_deterministic()
    {
        var (table, _) = NoSignal(seed: 7);
        var spec = new PredictorSpec("knn", K: 1);
        var inSample = spec.Train(table, 1);
        var predicted = new double[2];
        var inSampleMatches = table.Features.Select((features, q) =>
        {
            inSample.Predict(features, predicted);
            return predicted[0] == table.Quality[q][0];
        }).Count(match => match);
        var outOfFold = ContextualWarmStart.OutOfFoldPredictions(spec, table, folds: 5, seed: 1);
        var outOfFoldMatches = outOfFold.Where((row, q) => row[0] == table.Quality[q][0]).Count();

        Assert.Equal(table.Features.Count, inSampleMatches); // its own row is its nearest neighbour
        Assert.InRange(outOfFoldMatches / (double)table.Features.Count, 0.5, 0.75); // chance level for noise labels
        Assert.Equal(outOfFold, ContextualWarmStart.OutOfFoldPredictions(spec, table, folds: 5, seed: 1));
    }

    [Fact]
    public void Mismatched_warm_starts_are_refused_with_the_cause()
    {
        var (table, _, spec, router, warmStart) = NoSignalRouter(seed: 1);

        var size = Assert.Throws<ArgumentException>(() => new ContextualBanditPolicy(router, 1, seed: 1, projectionSize: 8, warmStart: warmStart));
        Assert.Contains("same projection size", size.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ContextualBanditPolicy(null, 1, seed: 1, projectionSize: 4, warmStart: warmStart));

        var otherModels = new RouterFile(router.Predictor, ["strong", "other"], EqualCosts, "test", "no signal", 1);
        var models = Assert.Throws<RouterFileException>(() => ContextualWarmStart.Fit(otherModels, spec, table, 4, 1));
        Assert.Contains("not trained on this table", models.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ContextualWarmStart.OutOfFoldPredictions(spec, table, folds: 1, seed: 1));
        Assert.Throws<ArgumentException>(() => new ContextualBanditPolicy(otherModels with { Models = ["strong", "weak", "third"], MeanCost = [1, 1, 1] }, 1, seed: 1, projectionSize: 4, warmStart: warmStart));
    }

    [Fact]
    public void A_warm_start_claiming_a_huge_projection_is_refused_before_its_matrices_are_allocated()
    {
        var (_, _, _, _, warmStart) = NoSignalRouter(seed: 3);
        var state = JsonNode.Parse(warmStart.Save().ToJsonString())!.AsObject();
        state["projection"] = 4096; // arms still hold 6×6 matrices; a (4098)² matrix would be 134 MB per arm
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<RouterFileException>(() => ContextualWarmStart.Load(state, EqualCosts));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "allocated before validating");
        Assert.Contains("contextualWarmStart.arms'[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_router_file_carries_its_warm_start_to_a_contextual_preset()
    {
        var (table, test) = NoSignal(seed: 9);
        var spec = new PredictorSpec("knn", K: 5);
        var trained = new RouterFile(spec.Train(table, 1), Models, [0.001, 0.002], "test", "no signal", 1);
        trained = trained with { WarmStart = ContextualWarmStart.Fit(trained, spec, table, projectionSize: 4, seed: 6) };
        var directory = Directory.CreateTempSubdirectory("agentrouter-warm-");
        try
        {
            var path = Path.Combine(directory.FullName, "knn.router.json");
            trained.Save(path);
            var loaded = RouterFile.Load(path);
            Assert.Equal(trained.WarmStart!.Save().ToJsonString(), loaded.WarmStart!.Save().ToJsonString());

            // The preset (policy seed 1) starts from the saved arms, on the projection the warm start was fitted with
            // (seed 6, 4-d), with the warm default α — the same scores as the in-memory policy.
            var candidates = Models.Select(m => new Candidate(AgentProfile.Simple(m))).ToArray();
            IReadOnlyList<CandidateScore> Scores(IRoutingPolicy policy, int i) =>
                policy.Select(new Query($"q{i}", "text", Features: test[i]), candidates, 1).Scores;
            var preset = new ContextualBanditPolicy(new PolicySettings(1, Parameters: new JsonObject { ["routerFile"] = path, ["willingness"] = 0.5 }));
            var inMemory = new ContextualBanditPolicy(trained, 0.5, seed: 1, ContextualWarmStart.DefaultAlpha, projectionSize: 4, warmStart: trained.WarmStart);
            var ignoring = new ContextualBanditPolicy(new PolicySettings(1, Parameters: new JsonObject { ["routerFile"] = path, ["willingness"] = 0.5, ["warmStart"] = false }));
            var routerPrior = new ContextualBanditPolicy(trained, 0.5, seed: 1, ContextualParameters.DefaultAlpha, ContextualParameters.DefaultProjection);
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(Scores(inMemory, i), Scores(preset, i));
                Assert.Equal(Scores(routerPrior, i), Scores(ignoring, i));
            }

            Assert.NotEqual(Scores(preset, 0), Scores(ignoring, 0));
            var projection = Assert.Throws<ArgumentException>(() => new ContextualBanditPolicy(
                new PolicySettings(1, Parameters: new JsonObject { ["routerFile"] = path, ["projection"] = 16 })));
            Assert.Contains("projection size", projection.Message, StringComparison.Ordinal);

            // A damaged warm start is refused with the file and the field.
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            json["contextualWarmStart"]!["arms"]!.AsArray().RemoveAt(1);
            File.WriteAllText(path, json.ToJsonString());
            var damaged = Assert.Throws<RouterFileException>(() => RouterFile.Load(path));
            Assert.Contains(path, damaged.Message, StringComparison.Ordinal);
            Assert.Contains("contextualWarmStart.arms", damaged.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
