using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>AMRO-S-style ant-colony routing. Each task type has a pheromone vector τ_t over agents; a query's
/// blended trail is τ(q) = Σ_t w_t(q)·τ_t with w one-hot on a known <see cref="Query.TaskType"/>, else soft
/// membership in online feature clusters. The heuristic is η = λ_A·ability + λ_L·norm(1/load) +
/// λ_R·norm(1/latency) (norm divides by the maximum over candidates). With probability q0 the best
/// τ^α·η^β is taken (ACS exploitation), otherwise a seeded roulette ∝ τ^α·η^β; panels of k > 1 repeat this
/// without replacement.</summary>
/// <remarks>
/// Learning, per outcome of agent a on query q: for every type t with w_t &gt; 0,
/// τ_t,a ← clamp((1 − ρ·w_t)·τ_t,a + [quality ≥ threshold]·w_t·Q·(ε/(cost + ε))^γ, τmin, τmax).
/// Evaporation touches the observed agent's entry only (a local update, as in ACS), so agents that were
/// never tried keep τ0 and stay reachable by the roulette. The deposit is Q/(cost + ε) rescaled by ε so that
/// a free call deposits Q and a call costing ε deposits Q/2, whatever the price scale; γ (costExponent,
/// default 1; <see cref="PolicySettings.CostWeight"/> overrides it) sets how strongly cost enters, γ = 0
/// ignoring it. ε defaults to the candidates' mean expected per-call cost (<see cref="CostReference"/>).
/// Defaults: alpha 1, beta 2, q0 0.9, rho 0.1, depositQ 1, tau0 1, tauMin 0.01, tauMax 10, threshold 0.5,
/// abilityWeight 1, loadWeight 0.5, latencyWeight 0.5, abilityPerTaskType false (true: the ability term is the
/// agent's Laplace-smoothed quality on the query's task type, not over all queries), clusters 8, clusterTemperature 0.1,
/// clusterSpawnDistance 0.5, synchronousUpdates true. With asynchronous updates, <see cref="Observe"/> only
/// enqueues and the queue is drained at the start of the next Select, Snapshot or
/// <see cref="ApplyPendingUpdates"/>.
/// </remarks>
public sealed class PheromonePolicy : RoutingPolicyBase
{
    private const double LatencyAlpha = 0.2;
    private const double LoadFloor = 0.05;
    private readonly AgentRegistry _registry = new();
    private readonly ConcurrentQueue<(Query Query, AgentOutcome Outcome)> _pending = new();
    private readonly DeterministicRandom _random;
    private readonly PheromoneTable _pheromone;
    private readonly OnlineClusterer _clusters;
    private readonly TaskTypeAbility? _taskTypeAbility;
    private readonly double _alpha, _beta, _q0, _rho, _depositQ, _tauMin, _tauMax, _threshold;
    private readonly double _abilityWeight, _loadWeight, _latencyWeight, _costExponent;
    private readonly double? _fixedEpsilon;
    private readonly string _rule;
    private double[] _qualitySum = [], _observations = [], _latencyEma = [];
    private double _costEpsilon = 1;
    private string? _lastClusteredQuery;

    public PheromonePolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<PheromoneParameters>("pheromone", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal PheromonePolicy(PolicySettings settings, PheromoneParameters parameters)
        : base("pheromone")
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        _alpha = parameters.Alpha;
        _beta = parameters.Beta;
        _q0 = parameters.Q0;
        _rho = parameters.Rho;
        _depositQ = parameters.DepositQ;
        _tauMin = parameters.TauMin;
        _tauMax = parameters.TauMax;
        _threshold = parameters.Threshold;
        _abilityWeight = parameters.AbilityWeight;
        _loadWeight = parameters.LoadWeight;
        _latencyWeight = parameters.LatencyWeight;
        _costExponent = ParameterReader.PreferOverride(ParameterReader.CostWeightOverride(Name, settings), parameters.CostExponent);
        _fixedEpsilon = parameters.CostEpsilon;
        _costEpsilon = _fixedEpsilon ?? 1;
        _clusters = new OnlineClusterer(parameters.Clusters, parameters.ClusterTemperature, parameters.ClusterSpawnDistance);
        SynchronousUpdates = parameters.SynchronousUpdates;
        _taskTypeAbility = parameters.AbilityPerTaskType ? new TaskTypeAbility(parameters.MaxTaskTypes, Name) : null;
        _pheromone = new PheromoneTable(parameters.Clusters, parameters.Tau0);
        _random = new DeterministicRandom(settings.Seed);
        _rule = string.Create(CultureInfo.InvariantCulture,
            $"ant colony: score = τ^{_alpha}·η^{_beta}, η = {_abilityWeight}·ability + {_loadWeight}·norm(1/load) + {_latencyWeight}·norm(1/latency); argmax with probability {_q0}, else roulette; panel without replacement");
    }

    public bool SynchronousUpdates { get; }

    /// <summary>Outcomes observed but not yet applied (always 0 in synchronous mode).</summary>
    public int PendingUpdates => _pending.Count;

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        ApplyPendingUpdates();
        var count = candidates.Count;
        var slots = _registry.Resolve(candidates, out var changed);
        EnsureAgents(_registry.Count);
        if (changed)
        {
            _costEpsilon = _fixedEpsilon ?? CostReference.MeanExpectedCost(candidates);
        }

        Span<double> typeWeights = _clusters.Capacity <= 64 ? stackalloc double[_clusters.Capacity] : new double[_clusters.Capacity];

        var row = TypeWeights(query, typeWeights);
        Span<double> buffer = count <= 64 ? stackalloc double[5 * count] : new double[5 * count];
        var tau = buffer[..count];
        var eta = buffer.Slice(count, count);
        var inverseLoad = buffer.Slice(2 * count, count);
        var inverseLatency = buffer.Slice(3 * count, count);
        var weight = buffer.Slice(4 * count, count);
        double maxInverseLoad = 0, maxInverseLatency = 0;
        for (var i = 0; i < count; i++)
        {
            var slot = slots[i];
            tau[i] = BlendedTau(row, typeWeights, slot);
            inverseLoad[i] = 1 / (Math.Max(candidates[i].Load, 0) + LoadFloor);
            var latency = _observations[slot] > 0 ? _latencyEma[slot] : candidates[i].Profile.TypicalLatencyMs;
            inverseLatency[i] = 1 / Math.Max(latency, 1);
            maxInverseLoad = Math.Max(maxInverseLoad, inverseLoad[i]);
            maxInverseLatency = Math.Max(maxInverseLatency, inverseLatency[i]);
        }

        var scores = decision.Start(count, panelSize, _rule, out var panel);
        for (var i = 0; i < count; i++)
        {
            var slot = slots[i];
            var ability = _taskTypeAbility is not null && !string.IsNullOrEmpty(query.TaskType)
                ? _taskTypeAbility.Ability(query.TaskType, slot)
                : (_qualitySum[slot] + 1) / (_observations[slot] + 2);
            eta[i] = _abilityWeight * ability + _loadWeight * inverseLoad[i] / maxInverseLoad
                + _latencyWeight * inverseLatency[i] / maxInverseLatency;
            weight[i] = Power(tau[i], _alpha) * Power(eta[i], _beta);
            scores[i] = new CandidateScore(candidates[i].Name, weight[i], tau[i], eta[i]);
        }

        ChoosePanel(weight, panel);
    }

    public override void Observe(Query query, AgentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(outcome);
        if (SynchronousUpdates)
        {
            Apply(query, outcome);
        }
        else
        {
            _pending.Enqueue((query, outcome));
        }
    }

    /// <summary>Applies every queued outcome, in arrival order.</summary>
    public void ApplyPendingUpdates()
    {
        while (_pending.TryDequeue(out var update))
        {
            Apply(update.Query, update.Outcome);
        }
    }

    /// <summary>τ of one agent for one named task type (τ0 if never touched); for inspection and tests.</summary>
    public double Pheromone(string taskType, string agent)
    {
        ApplyPendingUpdates();
        if (!_pheromone.TryGetNamedRow(taskType, out var row) || !_registry.TryGet(agent, out var slot))
        {
            return _pheromone.Initial;
        }

        return _pheromone.Row(row)[slot];
    }

    private void Apply(Query query, AgentOutcome outcome)
    {
        var slot = _registry.GetOrAdd(outcome.Agent);
        EnsureAgents(_registry.Count);
        var quality = RewardWeights.EffectiveQuality(outcome);
        _latencyEma[slot] = _observations[slot] == 0 ? outcome.LatencyMs : EmaTable.Blend(LatencyAlpha, outcome.LatencyMs, _latencyEma[slot]);
        _qualitySum[slot] += quality;
        _observations[slot]++;
        if (_taskTypeAbility is not null && !string.IsNullOrEmpty(query.TaskType))
        {
            _taskTypeAbility.Observe(query.TaskType, slot, quality);
        }

        Span<double> typeWeights = _clusters.Capacity <= 64 ? stackalloc double[_clusters.Capacity] : new double[_clusters.Capacity];
        var row = TypeWeights(query, typeWeights);
        if (row < 0 && query.Features is { } features && !string.Equals(_lastClusteredQuery, query.Id, StringComparison.Ordinal))
        {
            // A panel brings several outcomes for one query; the clustering should see the query once.
            _clusters.Update(features);
            _lastClusteredQuery = query.Id;
        }

        var deposit = quality >= _threshold
            ? _depositQ * Power(_costEpsilon / (Math.Max(outcome.Cost, 0) + _costEpsilon), _costExponent)
            : 0;
        if (row >= 0)
        {
            UpdateEntry(_pheromone.Row(row), slot, 1, deposit);
            return;
        }

        for (var t = 0; t < typeWeights.Length; t++)
        {
            if (typeWeights[t] > 0)
            {
                UpdateEntry(_pheromone.Row(t), slot, typeWeights[t], deposit);
            }
        }
    }

    private void UpdateEntry(double[] row, int slot, double typeWeight, double deposit)
    {
        var updated = (1 - _rho * typeWeight) * row[slot] + typeWeight * deposit;
        row[slot] = Math.Clamp(updated, _tauMin, _tauMax);
    }

    /// <summary>The row of a one-hot task type, or −1 with <paramref name="clusterWeights"/> filled.</summary>
    private int TypeWeights(Query query, Span<double> clusterWeights)
    {
        if (!string.IsNullOrEmpty(query.TaskType))
        {
            return _pheromone.NamedRow(query.TaskType);
        }

        if (query.Features is { } features)
        {
            _clusters.Weights(features, clusterWeights);
        }
        else
        {
            clusterWeights.Clear();
            clusterWeights[0] = 1;
        }

        return -1;
    }

    private double BlendedTau(int row, ReadOnlySpan<double> clusterWeights, int slot)
    {
        if (row >= 0)
        {
            return _pheromone.Row(row)[slot];
        }

        var tau = 0.0;
        for (var t = 0; t < clusterWeights.Length; t++)
        {
            if (clusterWeights[t] > 0)
            {
                tau += clusterWeights[t] * _pheromone.Row(t)[slot];
            }
        }

        return tau;
    }

    private void ChoosePanel(Span<double> weight, Span<int> panel)
    {
        for (var pick = 0; pick < panel.Length; pick++)
        {
            var chosen = _random.NextDouble() < _q0 ? PanelSelection.ArgMax(weight) : Roulette(weight);
            panel[pick] = chosen;
            weight[chosen] = -1;
        }
    }

    /// <summary>Index drawn with probability ∝ weight among entries ≥ 0 (−1 marks those already taken).</summary>
    private int Roulette(ReadOnlySpan<double> weight)
    {
        var total = 0.0;
        var last = -1;
        for (var i = 0; i < weight.Length; i++)
        {
            if (weight[i] >= 0)
            {
                total += weight[i];
                last = i;
            }
        }

        var target = _random.NextDouble() * total;
        for (var i = 0; i < weight.Length; i++)
        {
            if (weight[i] >= 0)
            {
                target -= weight[i];
                if (target < 0)
                {
                    return i;
                }
            }
        }

        return last;
    }

    private void EnsureAgents(int agents)
    {
        _pheromone.EnsureAgents(agents);
        if (_observations.Length < agents)
        {
            var size = Math.Max(agents, Math.Max(8, _observations.Length * 2));
            Array.Resize(ref _qualitySum, size);
            Array.Resize(ref _observations, size);
            Array.Resize(ref _latencyEma, size);
        }
    }

    private static double Power(double value, double exponent) => exponent switch
    {
        1 => value,
        2 => value * value,
        0 => 1,
        _ => Math.Pow(value, exponent),
    };

    public override JsonObject Snapshot()
    {
        ApplyPendingUpdates();
        var agents = _registry.Count;
        EnsureAgents(agents);
        var names = _registry.Names();
        var state = PolicyState.Header(Name);
        state["agents"] = PolicyState.Strings(names);
        state["qualitySum"] = PolicyState.Doubles(_qualitySum.AsSpan(0, agents));
        state["observations"] = PolicyState.Doubles(_observations.AsSpan(0, agents));
        state["latencyEma"] = PolicyState.Doubles(_latencyEma.AsSpan(0, agents));
        if (_taskTypeAbility is not null)
        {
            state["abilityByTaskType"] = _taskTypeAbility.ToJson(agents);
        }
        state["pheromone"] = _pheromone.ToJson(agents);
        state["clusters"] = _clusters.ToJson();
        state["costEpsilon"] = _costEpsilon;
        state["lastClusteredQuery"] = _lastClusteredQuery;
        state["random"] = _random.ToJson();
        return state;
    }

    public override void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, Name);
        _pending.Clear();
        var names = PolicyState.ReadStrings(state, "agents");
        _registry.ReplaceWith(names);

        _qualitySum = PolicyState.ReadDoubles(state, "qualitySum", names.Length);
        _observations = PolicyState.ReadDoubles(state, "observations", names.Length);
        _latencyEma = PolicyState.ReadDoubles(state, "latencyEma", names.Length);
        _pheromone.Restore(PolicyState.RequiredObject(state, "pheromone"), names.Length);
        // Absent in snapshots taken without abilityPerTaskType (or before it existed): start from no record.
        _taskTypeAbility?.Restore(state["abilityByTaskType"] as JsonObject, names.Length);
        _clusters.Restore(PolicyState.RequiredObject(state, "clusters"));
        _costEpsilon = PolicyState.Required<double>(state, "costEpsilon");
        _lastClusteredQuery = state["lastClusteredQuery"] is { } last ? PolicyState.Value<string>(last, "lastClusteredQuery") : null;
        _random.Restore(state["random"]);
    }
}
