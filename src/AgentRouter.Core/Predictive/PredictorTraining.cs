namespace AgentRouter.Core.Predictive;

/// <summary>One predictive router to train: its kind and hyper-parameters.</summary>
/// <param name="K">KNN neighbours.</param>
/// <param name="Hidden">MLP hidden layer sizes.</param>
public sealed record PredictorSpec(string Kind, int K = 10, IReadOnlyList<int>? Hidden = null)
{
    /// <summary>RouterBench's grid (KNN k ∈ {5, 10, 40} cosine; MLP hidden (100) and (100, 100)) and RouteLLM's MF.</summary>
    public static IReadOnlyList<PredictorSpec> ReferenceSet { get; } =
        [new("knn", K: 5), new("knn", K: 10), new("knn", K: 40), new("mlp", Hidden: [100]), new("mlp", Hidden: [100, 100]), new("mf")];

    public static IReadOnlyList<string> Kinds { get; } = ["knn", "mlp", "mf"];

    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public IOutcomePredictor Train(OutcomeTable table, int seed, Action<string>? progress = null) => Kind switch
    {
        "knn" => new KnnPredictor(table, K),
        "mlp" => MlpPredictor.Train(table, Hidden ?? [100], seed, progress: progress),
        "mf" => MatrixFactorizationPredictor.Train(table, seed),
        _ => throw new ArgumentException($"Unknown router kind '{Kind}'. Known: {string.Join(", ", Kinds)}."),
    };
}
