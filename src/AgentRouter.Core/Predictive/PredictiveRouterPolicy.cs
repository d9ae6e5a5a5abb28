using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>Routes with a trained predictor and RouterBench's router score: each candidate m scores
/// λ·P̂(m | query) − cost_m (cost_m = the model's mean cost per call in the training data; λ the willingness to
/// pay for one unit of expected quality, in dollars) and the panel is the top k. It does not learn online.
/// <see cref="Query.Features"/> must be the embedding the router was trained on (its dimension is checked).</summary>
public sealed class PredictiveRouterPolicy : IRoutingPolicy
{
    /// <summary>λ when neither the settings' cost weight nor the "willingness" parameter gives one: a correct
    /// answer is worth one dollar.</summary>
    public const double DefaultWillingness = 1.0;

    private readonly RouterFile _router;
    private readonly double _willingness;
    private readonly ConditionalWeakTable<float[], double[]> _predictions;
    private readonly Dictionary<string, int> _modelIndex;

    /// <param name="predictions">P̂ per feature vector, shared between instances of the same router (a λ sweep
    /// predicts each query once).</param>
    public PredictiveRouterPolicy(RouterFile router, double willingness, ConditionalWeakTable<float[], double[]>? predictions = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (!double.IsFinite(willingness) || willingness < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(willingness), willingness, "The willingness to pay λ must be a finite, non-negative number.");
        }

        _router = router;
        _willingness = willingness;
        _predictions = predictions ?? [];
        _modelIndex = router.Models.Select((model, i) => (model, i)).ToDictionary(pair => pair.model, pair => pair.i, StringComparer.Ordinal);
        Name = name ?? router.Predictor.Label;
    }

    public string Name { get; }

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        PanelSelection.Validate(query, candidates, panelSize);
        var predicted = PredictionsFor(query, _router, _predictions);
        Span<double> scores = candidates.Count <= PanelSelection.StackLimit ? stackalloc double[candidates.Count] : new double[candidates.Count];
        var evidence = new CandidateScore[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var model = ModelOf(candidates[c].Name);
            var cost = _router.MeanCost[model];
            scores[c] = (_willingness * predicted[model]) - cost;
            evidence[c] = new CandidateScore(candidates[c].Name, scores[c], predicted[model], -cost);
        }

        return new RoutingDecision(query.Id, Name, PanelSelection.TopK(scores, candidates, panelSize), evidence,
            string.Create(CultureInfo.InvariantCulture, $"{_router.Predictor.Label} trained on logged outcomes: score = {_willingness}·P̂ − mean cost; panel = top-k"));
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
        // Trained offline; a contextual policy (ContextualBanditPolicy) keeps learning on top of such a model.
    }

    public JsonObject Snapshot() => new() { ["router"] = _router.Predictor.Label };

    public void Restore(JsonObject state)
    {
    }

    internal int ModelOf(string agent) => _modelIndex.TryGetValue(agent, out var index)
        ? index
        : throw new RouterFileException($"router '{_router.Predictor.Label}' was not trained on agent '{agent}' (it knows {string.Join(", ", _router.Models)})");

    /// <summary>P̂ for a query's features, computed once per feature vector and checked for dimension.</summary>
    internal static double[] PredictionsFor(Query query, RouterFile router, ConditionalWeakTable<float[], double[]> cache)
    {
        var features = query.Features;
        if (features is null || features.Length != router.Predictor.Dimension)
        {
            throw new RouterFileException(
                $"router '{router.Predictor.Label}' expects {router.Predictor.Dimension}-dimensional features from {router.EmbeddingModel}; query '{query.Id}' has {(features is null ? "none" : features.Length.ToString(CultureInfo.InvariantCulture))}");
        }

        return cache.GetValue(features, vector =>
        {
            var predicted = new double[router.Models.Count];
            router.Predictor.Predict(vector, predicted);
            return predicted;
        });
    }
}
