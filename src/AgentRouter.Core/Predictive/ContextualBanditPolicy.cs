using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>A contextual online policy over sentence embeddings: disjoint LinUCB on a fixed random projection of
/// the embedding (z = [R·x / ‖R·x‖, 1], R Gaussian, seeded), learning each model's quality from bandit feedback.
/// Warm-started from a trained router it learns the residual: Q̂(m | x) = P̂_router(m | x) + θ_mᵀz, so it starts
/// exactly where the router is and keeps correcting it online; cold (no router) the base is 0.5 and θ learns the
/// rest. The route maximises λ·(Q̂ + α·√(zᵀA_m⁻¹z)) − cost_m, cost_m being the router's mean training cost, or
/// (cold) the running mean cost observed for m, else its price list (<see cref="AgentProfile.Cost"/>).</summary>
public sealed class ContextualBanditPolicy : IRoutingPolicy
{
    private readonly RouterFile? _router;
    private readonly ConditionalWeakTable<float[], double[]> _predictions;
    private readonly ConditionalWeakTable<float[], double[]> _projections = [];
    private readonly double _willingness;
    private readonly double _alpha;
    private readonly int _projectionSize;
    private readonly int _seed;
    private readonly bool _learn = true;
    private readonly Dictionary<string, Arm> _arms = new(StringComparer.Ordinal);
    private float[]? _projection;
    private int _inputDimension;

    /// <param name="router">Warm start; null for a cold start.</param>
    /// <param name="alpha">UCB width in quality units.</param>
    /// <param name="projectionSize">Dimensions of the random projection (the context LinUCB sees, plus an intercept).</param>
    public ContextualBanditPolicy(
        RouterFile? router, double willingness, int seed, double alpha = 0.2, int projectionSize = 32, string? name = null,
        ConditionalWeakTable<float[], double[]>? predictions = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(projectionSize, 1);
        if (!double.IsFinite(willingness) || willingness < 0 || !double.IsFinite(alpha) || alpha < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(willingness), "λ and α must be finite and non-negative.");
        }

        _router = router;
        _willingness = willingness;
        _alpha = alpha;
        _projectionSize = projectionSize;
        _seed = seed;
        _predictions = predictions ?? [];
        Name = name ?? (router is null ? "ctx-linucb" : $"ctx-{router.Predictor.Label}");
    }

    /// <summary>Preset form (catalog name "contextual"): parameters "routerFile" (optional: cold start without),
    /// "willingness", "alpha", "projection", "learn" (false: never update, so with alpha 0 it routes exactly as
    /// the trained router, <see cref="PredictiveRouterPolicy"/>); the settings' cost weight, when given, is λ.</summary>
    public ContextualBanditPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<ContextualParameters>("contextual", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal ContextualBanditPolicy(PolicySettings settings, ContextualParameters parameters)
        : this(
            parameters.RouterFile is { } path ? RouterFile.Load(path) : null,
            settings.CostWeight ?? parameters.Willingness,
            settings.Seed,
            parameters.Alpha,
            parameters.Projection,
            "contextual")
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
            var arm = ArmOf(candidates[c]);
            var prior = basePrediction is null ? 0.5 : basePrediction[arm.Model];
            var (mean, width) = arm.Estimate(z);
            var bonus = _alpha * width;
            scores[c] = (_willingness * (prior + mean + bonus)) - arm.Cost(candidates[c]);
            evidence[c] = new CandidateScore(candidates[c].Name, scores[c], prior + mean, bonus);
        }

        return new RoutingDecision(query.Id, Name, PanelSelection.TopK(scores, candidates, panelSize), evidence,
            string.Create(CultureInfo.InvariantCulture, $"contextual LinUCB on a {_projectionSize}-d projection of the embedding{(_router is null ? string.Empty : $", residual over {_router.Predictor.Label}")}: score = {_willingness}·(Q̂ + {_alpha}·width) − cost; panel = top-k"));
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!_learn)
        {
            return;
        }

        if (!_arms.TryGetValue(outcome.Agent, out var arm))
        {
            arm = _arms[outcome.Agent] = NewArm(outcome.Agent);
        }

        var prior = _router is null ? 0.5 : PredictiveRouterPolicy.PredictionsFor(query, _router, _predictions)[arm.Model];
        arm.Update(Context(query), outcome.Quality - prior, outcome.Cost);
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
                (_arms.TryGetValue(agent, out var arm) ? arm : _arms[agent] = NewArm(agent)).Restore(armState);
            }
        }
    }

    private Arm ArmOf(Candidate candidate)
    {
        if (!_arms.TryGetValue(candidate.Name, out var arm))
        {
            arm = _arms[candidate.Name] = NewArm(candidate.Name);
        }

        return arm;
    }

    private Arm NewArm(string agent)
    {
        var model = -1;
        double? trainedCost = null;
        if (_router is not null)
        {
            model = _router.ModelIndices([agent], "the data").Single();
            trainedCost = _router.MeanCost[model];
        }

        return new Arm(model, _projectionSize + 1, trainedCost);
    }

    private double[] Context(Query query)
    {
        var features = query.Features ?? throw new ArgumentException($"{Name} needs query features (an embedding); query '{query.Id}' has none.", nameof(query));
        if (_projection is null)
        {
            _inputDimension = features.Length;
            var random = new Random(_seed);
            _projection = new float[_projectionSize * _inputDimension];
            for (var i = 0; i < _projection.Length; i++)
            {
                _projection[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
        }

        if (features.Length != _inputDimension)
        {
            throw new RouterFileException($"{Name}: query '{query.Id}' has {features.Length}-dimensional features, earlier queries had {_inputDimension}");
        }

        return _projections.GetValue(features, vector =>
        {
            var z = new double[_projectionSize + 1];
            var norm = 0.0;
            for (var r = 0; r < _projectionSize; r++)
            {
                z[r] = VectorMath.Dot(_projection.AsSpan(r * _inputDimension, _inputDimension), vector);
                norm += z[r] * z[r];
            }

            norm = Math.Sqrt(norm);
            for (var r = 0; r < _projectionSize && norm > 0; r++)
            {
                z[r] /= norm;
            }

            z[_projectionSize] = 1; // intercept
            return z;
        });
    }

    /// <summary>Ridge regression of the residual on z with A⁻¹ kept by Sherman–Morrison, and the running cost.</summary>
    private sealed class Arm
    {
        private readonly int _size;
        private readonly double[] _inverse;
        private readonly double[] _b;
        private readonly double[] _theta;
        private readonly double? _trainedCost;
        private double _costSum;
        private int _pulls;

        public Arm(int model, int size, double? trainedCost)
        {
            Model = model;
            _size = size;
            _inverse = new double[size * size];
            for (var i = 0; i < size; i++)
            {
                _inverse[(i * size) + i] = 1;
            }

            _b = new double[size];
            _theta = new double[size];
            _trainedCost = trainedCost;
        }

        public int Model { get; }

        public double Cost(Candidate candidate) => _trainedCost ?? (_pulls > 0 ? _costSum / _pulls : candidate.Profile.Cost.PerCall);

        public (double Mean, double Width) Estimate(double[] z)
        {
            var mean = 0.0;
            var quadratic = 0.0;
            for (var i = 0; i < _size; i++)
            {
                mean += _theta[i] * z[i];
                var row = 0.0;
                for (var j = 0; j < _size; j++)
                {
                    row += _inverse[(i * _size) + j] * z[j];
                }

                quadratic += z[i] * row;
            }

            return (mean, Math.Sqrt(Math.Max(0, quadratic)));
        }

        public void Update(double[] z, double reward, double cost)
        {
            var az = new double[_size];
            var denominator = 1.0;
            for (var i = 0; i < _size; i++)
            {
                for (var j = 0; j < _size; j++)
                {
                    az[i] += _inverse[(i * _size) + j] * z[j];
                }

                denominator += z[i] * az[i];
            }

            for (var i = 0; i < _size; i++)
            {
                for (var j = 0; j < _size; j++)
                {
                    _inverse[(i * _size) + j] -= az[i] * az[j] / denominator;
                }

                _b[i] += reward * z[i];
            }

            for (var i = 0; i < _size; i++)
            {
                var value = 0.0;
                for (var j = 0; j < _size; j++)
                {
                    value += _inverse[(i * _size) + j] * _b[j];
                }

                _theta[i] = value;
            }

            _costSum += cost;
            _pulls++;
        }

        public JsonObject Snapshot() => new()
        {
            ["inverse"] = new JsonArray(_inverse.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["b"] = new JsonArray(_b.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["costSum"] = _costSum,
            ["pulls"] = _pulls,
        };

        public void Restore(JsonObject state)
        {
            var inverse = RouterFile.Doubles(state, "inverse", _inverse.Length);
            var b = RouterFile.Doubles(state, "b", _b.Length);
            inverse.CopyTo(_inverse, 0);
            b.CopyTo(_b, 0);
            for (var i = 0; i < _size; i++)
            {
                _theta[i] = Enumerable.Range(0, _size).Sum(j => _inverse[(i * _size) + j] * _b[j]);
            }

            _costSum = state["costSum"]?.GetValue<double>() ?? 0;
            _pulls = state["pulls"]?.GetValue<int>() ?? 0;
        }
    }
}
