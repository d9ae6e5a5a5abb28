using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>A contextual online policy over sentence embeddings: disjoint LinUCB on a fixed random projection of
/// the embedding (<see cref="RandomProjection"/>: z = [R·x / ‖R·x‖, 1], R Gaussian, seeded), learning each model's
/// quality from bandit feedback. Cold (no router) each arm regresses quality − 0.5 on z from a zero prior. With a
/// trained router each arm's context also holds the router's P̂(m | x) and the arm regresses quality on
/// [z, P̂] from the prior "quality = P̂", so it starts exactly where the router is and keeps correcting it online;
/// a <see cref="ContextualWarmStart"/> fitted on the router's training data (out-of-fold P̂) replaces that prior
/// with a calibrated fit and narrow confidence. The route maximises λ·(Q̂ + α·√(zᵀA_m⁻¹z)) − cost_m, cost_m being
/// the router's mean training cost, or (cold) the running mean cost observed for m, else its price list
/// (<see cref="AgentProfile.Cost"/>).</summary>
public sealed class ContextualBanditPolicy : IRoutingPolicy
{
    private readonly RouterFile? _router;
    private readonly ContextualWarmStart? _warmStart;
    private readonly ConditionalWeakTable<float[], double[]> _predictions;
    private readonly ConditionalWeakTable<float[], double[]> _contexts = [];
    private readonly double _willingness;
    private readonly double _alpha;
    private readonly int _projectionSize;
    private readonly int _seed;
    private readonly bool _learn = true;
    private readonly Dictionary<string, LinearArm> _arms = new(StringComparer.Ordinal);
    private readonly double[] _armContext;
    private RandomProjection? _projection;

    /// <param name="router">Warm start; null for a cold start.</param>
    /// <param name="alpha">UCB width in quality units.</param>
    /// <param name="projectionSize">Dimensions of the random projection (the context LinUCB sees, plus an intercept).</param>
    /// <param name="warmStart">Arms fitted on the router's training data (same projection size; its seed then draws the
    /// projection); null: the arms start from the prior "quality = P̂".</param>
    public ContextualBanditPolicy(
        RouterFile? router, double willingness, int seed, double alpha = 0.2, int projectionSize = 32, string? name = null,
        ConditionalWeakTable<float[], double[]>? predictions = null, ContextualWarmStart? warmStart = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(projectionSize, 1);
        if (!double.IsFinite(willingness) || willingness < 0 || !double.IsFinite(alpha) || alpha < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(willingness), "λ and α must be finite and non-negative.");
        }

        if (warmStart is not null && (router is null || warmStart.ProjectionSize != projectionSize || warmStart.ModelCount != router.Models.Count))
        {
            throw new ArgumentException(
                $"A warm start needs the router it was fitted for and the same projection size (fitted: {warmStart.ProjectionSize}-d, {warmStart.ModelCount} models; asked: {projectionSize}-d, {router?.Models.Count ?? 0} models).",
                nameof(warmStart));
        }

        _router = router;
        _warmStart = warmStart;
        _willingness = willingness;
        _alpha = alpha;
        _projectionSize = projectionSize;
        _seed = warmStart?.Seed ?? seed; // the warm start's arms were fitted on the projection its seed draws
        _predictions = predictions ?? [];
        _armContext = new double[projectionSize + 2];
        Name = name ?? (router is null ? "ctx-linucb" : $"ctx-{router.Predictor.Label}");
    }

    /// <summary>Preset form (catalog name "contextual"): parameters "routerFile" (optional: cold start without),
    /// "willingness", "alpha", "projection", "learn" (false: never update, so with alpha 0 and no warm start it routes
    /// exactly as the trained router, <see cref="PredictiveRouterPolicy"/>), "warmStart" (false: ignore the fitted arms
    /// a router file may hold); the settings' cost weight, when given, is λ. See <see cref="ContextualParameters"/>.</summary>
    public ContextualBanditPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<ContextualParameters>("contextual", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal ContextualBanditPolicy(PolicySettings settings, ContextualParameters parameters)
        : this(parameters.RouterFile is { } path ? RouterFile.Load(path) : null, settings, parameters)
    {
    }

    private ContextualBanditPolicy(RouterFile? router, PolicySettings settings, ContextualParameters parameters)
        : this(
            router,
            settings.CostWeight ?? parameters.Willingness,
            settings.Seed,
            parameters.Alpha ?? (WarmStartOf(router, parameters) is null ? ContextualParameters.DefaultAlpha : ContextualWarmStart.DefaultAlpha),
            parameters.Projection ?? WarmStartOf(router, parameters)?.ProjectionSize ?? ContextualParameters.DefaultProjection,
            "contextual",
            warmStart: WarmStartOf(router, parameters))
    {
        _learn = parameters.Learn;
    }

    public string Name { get; }

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        PanelSelection.Validate(query, candidates, panelSize);
        var z = Context(query);
        var basePrediction = _router is null ? null : PredictiveRouterPolicy.PredictionsFor(query, _router, _predictions);
        Span<double> scores = candidates.Count <= PanelSelection.StackLimit ? stackalloc double[candidates.Count] : new double[candidates.Count];
        var evidence = new CandidateScore[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var arm = ArmOf(candidates[c].Name);
            var (mean, width) = arm.Estimate(ArmContext(z, arm, basePrediction));
            var quality = basePrediction is null ? 0.5 + mean : mean;
            var bonus = _alpha * width;
            scores[c] = (_willingness * (quality + bonus)) - arm.Cost(candidates[c]);
            evidence[c] = new CandidateScore(candidates[c].Name, scores[c], quality, bonus);
        }

        return new RoutingDecision(query.Id, Name, PanelSelection.TopK(scores, candidates, panelSize), evidence,
            string.Create(CultureInfo.InvariantCulture, $"contextual LinUCB on a {_projectionSize}-d projection of the embedding{(_router is null ? string.Empty : $" and {_router.Predictor.Label}'s P̂{(_warmStart is null ? string.Empty : $", warm-started on {_warmStart.Rows} training queries")}")}: score = {_willingness}·(Q̂ + {_alpha}·width) − cost; panel = top-k"));
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!_learn)
        {
            return;
        }

        var arm = ArmOf(outcome.Agent);
        var basePrediction = _router is null ? null : PredictiveRouterPolicy.PredictionsFor(query, _router, _predictions);
        arm.Update(ArmContext(Context(query), arm, basePrediction), basePrediction is null ? outcome.Quality - 0.5 : outcome.Quality);
        arm.ObserveCost(outcome.Cost);
    }

    public JsonObject Snapshot() => new()
    {
        ["arms"] = new JsonObject(_arms.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value.Snapshot()))),
    };

    public void Restore(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state["arms"] is not JsonObject arms)
        {
            return;
        }

        foreach (var (agent, node) in arms)
        {
            if (node is JsonObject armState)
            {
                ArmOf(agent).Restore(armState);
            }
        }
    }

    private static ContextualWarmStart? WarmStartOf(RouterFile? router, ContextualParameters parameters) =>
        parameters.WarmStart ? router?.WarmStart : null;

    /// <summary>The context an arm sees: the shared z, and with a router its P̂ for the arm's model in the last slot.</summary>
    private ReadOnlySpan<double> ArmContext(double[] z, LinearArm arm, double[]? basePrediction)
    {
        if (basePrediction is null)
        {
            return z;
        }

        z.CopyTo(_armContext, 0);
        _armContext[_projectionSize + 1] = basePrediction[arm.Model];
        return _armContext;
    }

    private LinearArm ArmOf(string agent)
    {
        if (!_arms.TryGetValue(agent, out var arm))
        {
            arm = _arms[agent] = NewArm(agent);
        }

        return arm;
    }

    private LinearArm NewArm(string agent)
    {
        if (_router is null)
        {
            return new LinearArm(-1, _projectionSize + 1, trainedCost: null);
        }

        var model = _router.ModelIndices([agent], "the data").Single();
        var arm = new LinearArm(model, _projectionSize + 2, _router.MeanCost[model], priorCoefficient: _projectionSize + 1);
        if (_warmStart is not null)
        {
            arm.CopyRegressionFrom(_warmStart.ArmOf(model));
        }

        return arm;
    }

    private double[] Context(Query query)
    {
        var features = query.Features ?? throw new ArgumentException($"{Name} needs query features (an embedding); query '{query.Id}' has none.", nameof(query));
        _projection ??= new RandomProjection(_seed, _projectionSize, features.Length);
        if (features.Length != _projection.InputDimension)
        {
            throw new RouterFileException($"{Name}: query '{query.Id}' has {features.Length}-dimensional features, earlier queries had {_projection.InputDimension}");
        }

        return _contexts.GetValue(features, vector => _projection.Context(vector));
    }
}
