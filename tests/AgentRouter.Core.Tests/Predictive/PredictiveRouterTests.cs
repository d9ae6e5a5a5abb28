using AgentRouter.Core.Domain;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Predictive;

namespace AgentRouter.Core.Tests.Predictive;

/// <summary>A synthetic task where the right model depends on the query text: "math" questions are answered
/// only by the math model, "history" questions only by the history model; a generalist is right half the time.
/// Features are hashed n-grams of the text, so a router must read the text to route well.</summary>
public sealed class PredictiveRouterTests
{
    private static readonly string[] Models = ["math-7b", "history-7b", "generalist-70b"];
    private static readonly double[] Costs = [0.001, 0.001, 0.01];
    private static readonly HashedNGramFeaturizer Featurizer = new();

    private static (OutcomeTable Table, List<(float[] Features, double[] Quality)> Test) Task(int seed)
    {
        var random = new Random(seed);
        string[] mathTopics = ["integral of x squared", "solve the equation for x", "sum of the first n primes", "derivative of the sine", "factor the polynomial"];
        string[] historyTopics = ["causes of the french revolution", "the fall of rome", "who signed the magna carta", "the treaty of westphalia", "the silk road trade"];
        var rows = new List<(float[], double[])>();
        for (var i = 0; i < 300; i++)
        {
            var isMath = random.Next(2) == 0;
            var topics = isMath ? mathTopics : historyTopics;
            var text = $"question {i}: {topics[random.Next(topics.Length)]} please";
            double[] quality = [isMath ? 1 : 0, isMath ? 0 : 1, random.Next(2)];
            rows.Add((Featurizer.Featurize(text), quality));
        }

        var train = rows.Take(200).ToArray();
        return (new OutcomeTable(Models, train.Select(r => r.Item1).ToArray(), train.Select(r => r.Item2).ToArray(), Costs), rows.Skip(200).ToList());
    }

    private static double Accuracy(IOutcomePredictor predictor, List<(float[] Features, double[] Quality)> test)
    {
        var predicted = new double[Models.Length];
        var correct = 0.0;
        foreach (var (features, quality) in test)
        {
            predictor.Predict(features, predicted);
            correct += quality[Array.IndexOf(predicted, predicted.Max())];
        }

        return correct / test.Count;
    }

    [Theory]
    [InlineData("knn", 10)]
    [InlineData("knn", 40)]
    [InlineData("mlp", 0)]
    [InlineData("mf", 0)]
    public void Trained_routers_beat_random_and_are_deterministic_under_a_seed(string kind, int k)
    {
        var (table, test) = Task(seed: 3);
        var spec = new PredictorSpec(kind, K: k == 0 ? 10 : k, Hidden: [16]);
        var first = spec.Train(table, seed: 7);
        var second = spec.Train(table, seed: 7);
        Assert.Equal(first.Save().ToJsonString(), second.Save().ToJsonString());
        // Random routing scores the mean of the three models (≈ 0.5 here); reading the text gives ≈ 1.
        var random = test.Average(row => row.Quality.Average());
        var accuracy = Accuracy(first, test);
        Assert.True(accuracy > 0.85 && accuracy > random + 0.3, $"{kind}: {accuracy} (random {random})");
    }

    [Fact]
    public void A_router_file_round_trips_and_routes_by_lambda()
    {
        var (table, test) = Task(seed: 5);
        var directory = Directory.CreateTempSubdirectory("agentrouter-router-");
        try
        {
            var path = Path.Combine(directory.FullName, "knn.router.json");
            new RouterFile(new PredictorSpec("knn", K: 5).Train(table, 1), Models, Costs, "hashed-ngrams", "synthetic (200)", 1).Save(path);
            var loaded = RouterFile.Load(path);
            Assert.Equal(Models, loaded.Models);
            Assert.Equal(Accuracy(new PredictorSpec("knn", K: 5).Train(table, 1), test), Accuracy(loaded.Predictor, test));

            var candidates = Models.Select(m => new Candidate(AgentProfile.Simple(m))).ToArray();
            var query = new Query("q", "integral", Features: test[0].Features);
            // λ ≈ 0: the cheapest model whatever P̂; a large λ: the model P̂ favours.
            Assert.NotEqual("generalist-70b", new PredictiveRouterPolicy(loaded, 1e-10).Select(query, candidates, 1).Panel[0]);
            var best = new PredictiveRouterPolicy(loaded, 1e9).Select(query, candidates, 1).Panel[0];
            Assert.Equal(test[0].Quality[0] == 1 ? "math-7b" : "history-7b", best);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Bad_router_use_names_the_cause()
    {
        var (table, _) = Task(seed: 1);
        var router = new RouterFile(new PredictorSpec("knn", K: 5).Train(table, 1), Models, Costs, "hashed-ngrams", "synthetic", 1);
        var other = Assert.Throws<RouterFileException>(() => router.ModelIndices(["math-7b", "gpt-9"], "test.csv"));
        Assert.Contains("gpt-9", other.Message, StringComparison.Ordinal);
        Assert.Contains("trained on other models", other.Message, StringComparison.Ordinal);

        var policy = new PredictiveRouterPolicy(router, 1);
        var dimension = Assert.Throws<RouterFileException>(() => policy.Select(new Query("q", "x", Features: new float[7]), [new Candidate(AgentProfile.Simple("math-7b"))], 1));
        Assert.Contains("expects 64-dimensional", dimension.Message, StringComparison.Ordinal);

        var path = Path.Combine(Path.GetTempPath(), $"agentrouter-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "format": "something-else" }""");
        try
        {
            var format = Assert.Throws<RouterFileException>(() => RouterFile.Load(path));
            Assert.Contains(path, format.Message, StringComparison.Ordinal);
            Assert.Contains("'format'", format.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Contains("file not found", Assert.Throws<RouterFileException>(() => RouterFile.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Contextual_policy_learns_the_text_dependence_online_from_a_cold_start()
    {
        var (_, test) = Task(seed: 11);
        var (_, more) = Task(seed: 12);
        var stream = more.Concat(test).ToList();
        var candidates = Models.Select((m, i) => new Candidate(AgentProfile.Simple(m, Costs[i]))).ToArray();
        var policy = new ContextualBanditPolicy(router: null, willingness: 1, seed: 1, alpha: 0.1, projectionSize: 16);
        var lateCorrect = 0.0;
        for (var i = 0; i < stream.Count; i++)
        {
            var query = new Query($"q{i}", "text", Features: stream[i].Features);
            var chosen = policy.Select(query, candidates, 1).Panel[0];
            var model = Array.IndexOf(Models, chosen);
            policy.Observe(query, new AgentOutcome(chosen, stream[i].Quality[model], 100, Costs[model]));
            lateCorrect += i >= stream.Count - 100 ? stream[i].Quality[model] : 0;
        }

        Assert.True(lateCorrect / 100 > 0.85, $"last 100 queries: {lateCorrect / 100}");
    }
}
