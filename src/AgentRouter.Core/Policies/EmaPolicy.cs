using System.Globalization;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>ORCH-style routing on exponential moving averages: each candidate scores
/// <c>q + w_s·stab − w_l·min(lat/lat_ref, 3) − w_c·min(cost/cost_ref, 3)</c> and the panel is the top k,
/// ties by candidate order.</summary>
/// <remarks>Parameters (defaults): alpha 0.2, perTaskType true, coldQuality 0.5, coldLatencyMs 2000,
/// coldCost 0, coldStability 0.9, stabilityWeight 0.1, latencyWeight 0.3, latencyRefMs 5000,
/// costWeight 0.1 (<see cref="PolicySettings.CostWeight"/> overrides), costRef: when absent, the mean
/// expected per-call cost of the offered candidates (<see cref="CostReference"/>), or 1 if they are all
/// free — so w_c is unit-free and the same weight means the same trade-off on any price scale.</remarks>
public sealed class EmaPolicy : RoutingPolicyBase
{
    private const double PenaltyCap = 3;
    private readonly EmaEstimates _estimates;
    private readonly double _stabilityWeight;
    private readonly double _latencyWeight;
    private readonly double _latencyRefMs;
    private readonly double _costWeight;
    private readonly double? _fixedCostRef;
    private readonly string _rule;
    private double _costRef = 1;

    public EmaPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<EmaParameters>("ema", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal EmaPolicy(PolicySettings settings, EmaParameters parameters)
        : base("ema")
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        _estimates = new EmaEstimates(Name, parameters.Estimates);
        _stabilityWeight = parameters.StabilityWeight;
        _latencyWeight = parameters.LatencyWeight;
        _latencyRefMs = parameters.LatencyRefMs;
        _costWeight = ParameterReader.PreferOverride(ParameterReader.CostWeightOverride(Name, settings), parameters.CostWeight);
        _fixedCostRef = parameters.CostRef;
        _costRef = _fixedCostRef ?? 1;
        _rule = string.Create(CultureInfo.InvariantCulture,
            $"score = q + {_stabilityWeight}·stability − {_latencyWeight}·min(latency/{_latencyRefMs}ms, 3) − {_costWeight}·min(cost/costRef, 3) over EMAs (α={_estimates.Alpha}{(_estimates.PerTaskType ? ", per task type" : "")}); panel = top-k by score, ties by candidate order");
    }

    /// <summary>The cost scale in use (fixed by the costRef parameter or derived from the candidates).</summary>
    public double CostRef => _costRef;

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var count = candidates.Count;
        var slots = _estimates.Resolve(candidates, out var changed);
        if (changed)
        {
            _costRef = _fixedCostRef ?? CostReference.MeanExpectedCost(candidates);
        }

        Span<double> buffer = count <= 64 ? stackalloc double[5 * count] : new double[5 * count];
        var quality = buffer[..count];
        var latency = buffer.Slice(count, count);
        var cost = buffer.Slice(2 * count, count);
        var stability = buffer.Slice(3 * count, count);
        var score = buffer.Slice(4 * count, count);
        _estimates.Fill(query, slots, quality, latency, cost, stability);

        var scores = decision.Start(count, panelSize, _rule, out var panel);
        for (var i = 0; i < count; i++)
        {
            score[i] = Score(quality[i], latency[i], cost[i], stability[i]);
            scores[i] = new CandidateScore(candidates[i].Name, score[i], score[i], 0);
        }

        PanelSelection.TopK(score, panel);
    }

    public double Score(double quality, double latencyMs, double cost, double stability) =>
        quality + _stabilityWeight * stability
        - _latencyWeight * Math.Min(latencyMs / _latencyRefMs, PenaltyCap)
        - _costWeight * Math.Min(cost / _costRef, PenaltyCap);

    public override void Observe(Query query, AgentOutcome outcome) => _estimates.Observe(query, outcome);

    public override JsonObject Snapshot()
    {
        var state = _estimates.Snapshot();
        state["costRef"] = _costRef;
        return state;
    }

    public override void Restore(JsonObject state)
    {
        _estimates.Restore(state);
        _costRef = PolicyState.Required<double>(state, "costRef");
    }
}
