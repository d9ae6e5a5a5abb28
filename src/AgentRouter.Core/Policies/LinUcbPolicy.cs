using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Disjoint LinUCB (Li et al. 2010) over <see cref="Query.Features"/>: each agent has its own ridge
/// regression of reward on the features, and the panel is the top k of
/// <c>θᵀx + α·√(xᵀA⁻¹x) − residentPenalty·[not resident]</c> (the last term is POLAR's cache awareness).
/// The feature dimension is fixed by the first query seen; a later mismatch is an error.</summary>
/// <remarks>Parameters (defaults): alpha 1 (exploration width), ridge 1 (λ of A = λI + Σxxᵀ),
/// residentPenalty 0, plus costWeight / latencyWeight / costRef as in <see cref="BanditPolicyBase"/>.</remarks>
public sealed class LinUcbPolicy : RoutingPolicyBase
{
    private const int StackDimensionLimit = 512;
    private readonly AgentRegistry _registry = new();
    private readonly List<LinUcbArm> _arms = [];
    private readonly double _alpha;
    private readonly double _ridge;
    private readonly double _residentPenalty;
    private readonly double? _fixedCostRef;
    private readonly string _rule;
    private double _costRef = 1;
    private int _dimension;
    private QuadraticFormPlan? _plan;

    public LinUcbPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<LinUcbParameters>("linucb", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal LinUcbPolicy(PolicySettings settings, LinUcbParameters parameters)
        : base("linucb")
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        _alpha = parameters.Alpha;
        _ridge = parameters.Ridge;
        _residentPenalty = parameters.ResidentPenalty;
        Weights = parameters.Reward.Weights(Name, settings);
        _fixedCostRef = parameters.Reward.CostRef;
        _costRef = _fixedCostRef ?? 1;
        _rule = string.Create(CultureInfo.InvariantCulture,
            $"disjoint LinUCB: index = θᵀx + {_alpha}·sqrt(xᵀA⁻¹x) − {_residentPenalty}·[not resident] (ridge {_ridge}); reward = quality − {Weights.CostWeight}·cost/costRef − {Weights.LatencyWeightPerMs}·latencyMs; panel = top-k by index");
    }

    public RewardWeights Weights { get; }

    /// <summary>The feature dimension, 0 until the first query fixes it.</summary>
    public int Dimension => _dimension;

    [SkipLocalsInit] // every scratch entry read is written first
    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var features = CheckFeatures(query);
        var count = candidates.Count;
        var slots = _registry.Resolve(candidates, out var changed);
        EnsureArms();
        if (changed)
        {
            _costRef = _fixedCostRef ?? CostReference.MeanExpectedCost(candidates);
        }

        var d = _dimension;
        Span<double> x = d <= StackDimensionLimit ? stackalloc double[d] : new double[d];
        for (var i = 0; i < d; i++)
        {
            x[i] = features[i];
        }

        // x's non-zero rows, offsets and padding, once for all arms (their mirrors share one layout).
        var plan = _plan is { } existing && existing.Dimension == d ? existing : _plan = new QuadraticFormPlan(d);
        plan.Prepare(features);
        Span<double> index = count <= PanelSelection.StackLimit ? stackalloc double[count] : new double[count];
        var scores = decision.Start(count, panelSize, _rule, out var panel);
        for (var i = 0; i < count; i++)
        {
            var arm = _arms[slots[i]];
            var mean = arm.Mean(x);
            var bonus = _alpha * Math.Sqrt(Math.Max(arm.Variance(plan), 0));
            var candidate = candidates[i];
            var penalty = candidate.Resident ? 0 : _residentPenalty;
            index[i] = mean + bonus - penalty;
            scores[i] = new CandidateScore(candidate.Name, index[i], mean, bonus);
        }

        PanelSelection.TopK(index, panel);
    }

    public override void Observe(Query query, AgentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(outcome);
        var features = CheckFeatures(query);
        var slot = _registry.GetOrAdd(outcome.Agent);
        EnsureArms();
        var d = _dimension;
        Span<double> buffer = d <= StackDimensionLimit ? stackalloc double[2 * d] : new double[2 * d];
        var x = buffer[..d];
        for (var i = 0; i < d; i++)
        {
            x[i] = features[i];
        }

        _arms[slot].Update(x, Weights.Reward(outcome, _costRef), buffer[d..]);
    }

    private float[] CheckFeatures(Query query)
    {
        var features = query.Features ?? throw new ArgumentException(
            $"Policy 'linucb' needs Query.Features, but query '{query.Id}' has none (featurize queries when creating them).",
            nameof(query));
        if (_dimension == 0)
        {
            if (features.Length == 0)
            {
                throw new ArgumentException($"Query '{query.Id}' has an empty feature vector.", nameof(query));
            }

            _dimension = features.Length;
        }
        else if (features.Length != _dimension)
        {
            throw new ArgumentException(
                $"Query '{query.Id}' has {features.Length} features, but this LinUCB policy was fixed to dimension {_dimension} by its first query.",
                nameof(query));
        }

        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException($"Query '{query.Id}' has a non-finite feature at index {i}.", nameof(query));
            }
        }

        return features;
    }

    private void EnsureArms()
    {
        while (_arms.Count < _registry.Count)
        {
            _arms.Add(new LinUcbArm(_dimension, _ridge));
        }
    }

    /// <summary>A⁻¹ of one agent's arm (a copy), for inspection and tests.</summary>
    public double[] InverseOf(string agent) =>
        _registry.TryGet(agent, out var slot) && slot < _arms.Count ? (double[])_arms[slot].InverseA.Clone()
        : throw new ArgumentException($"Agent '{agent}' has no LinUCB arm yet.", nameof(agent));

    public override JsonObject Snapshot()
    {
        var state = PolicyState.Header(Name);
        state["dimension"] = _dimension;
        state["costRef"] = _costRef;
        var arms = new JsonArray();
        for (var slot = 0; slot < _arms.Count; slot++)
        {
            var arm = _arms[slot];
            arms.Add(new JsonObject
            {
                ["agent"] = _registry.NameOf(slot),
                ["pulls"] = arm.Pulls,
                ["inverseA"] = PolicyState.Packed(arm.InverseA),
                ["b"] = PolicyState.Packed(arm.B),
            });
        }

        state["arms"] = arms;
        return state;
    }

    public override void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, Name);
        _dimension = PolicyState.Required<int>(state, "dimension");
        _costRef = PolicyState.Required<double>(state, "costRef");
        _registry.Clear();
        _arms.Clear();
        if (state["arms"] is not JsonArray arms)
        {
            throw new ArgumentException("The snapshot lacks field 'arms'.", "arms");
        }

        foreach (var node in arms)
        {
            var arm = node as JsonObject ?? throw new ArgumentException("Snapshot field 'arms' holds a non-object.", "arms");
            _registry.GetOrAdd(PolicyState.Required<string>(arm, "agent"));
            var restored = new LinUcbArm(_dimension, _ridge);
            restored.Load(
                PolicyState.Unpack(PolicyState.Required<string>(arm, "inverseA"), _dimension * _dimension, "arms.inverseA"),
                PolicyState.Unpack(PolicyState.Required<string>(arm, "b"), _dimension, "arms.b"),
                PolicyState.Required<double>(arm, "pulls"));
            _arms.Add(restored);
        }
    }
}
