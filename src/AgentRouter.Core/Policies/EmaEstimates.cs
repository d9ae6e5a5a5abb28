using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>The ORCH-style per-agent EMA estimates shared by <c>ema</c> and <c>ema-lex</c>: agent-wide, and
/// per task type when enabled. A task type with no observations at all falls back to the agent-wide EMAs;
/// once it has some, an agent not yet observed on it gets the cold-start values rather than its agent-wide
/// EMA. That keeps the cold start's optimism working per task type: otherwise a specialist that did badly
/// on other task types would never be tried on its own (the greedy score has no other exploration).</summary>
internal sealed class EmaEstimates
{
    private readonly AgentRegistry _registry = new();
    private readonly EmaTable _overall = new();
    private readonly Dictionary<string, EmaTable> _byTaskType = new(StringComparer.Ordinal);
    private readonly string _policy;

    public EmaEstimates(string policy, EmaEstimateParameters parameters)
    {
        _policy = policy;
        Alpha = parameters.Alpha;
        PerTaskType = parameters.PerTaskType;
        ColdQuality = parameters.ColdQuality;
        ColdLatencyMs = parameters.ColdLatencyMs;
        ColdCost = parameters.ColdCost;
        ColdStability = parameters.ColdStability;
        QualityPriorWeight = parameters.QualityPriorWeight;
        MaxTaskTypes = parameters.MaxTaskTypes;
    }

    /// <summary>Task types tracked on their own (see <see cref="TaskTypeLimit"/>).</summary>
    public int MaxTaskTypes { get; }

    public double Alpha { get; }
    public bool PerTaskType { get; }
    public double ColdQuality { get; }
    public double ColdLatencyMs { get; }
    public double ColdCost { get; }
    public double ColdStability { get; }

    /// <summary>How many pseudo-observations of <see cref="ColdQuality"/> each quality estimate starts with
    /// (0: the first observation replaces the cold value, the original ORCH rule).</summary>
    public double QualityPriorWeight { get; }

    public ReadOnlySpan<int> Resolve(IReadOnlyList<Candidate> candidates, out bool changed)
    {
        var slots = _registry.Resolve(candidates, out changed);
        _overall.EnsureCapacity(_registry.Count);
        return slots;
    }

    /// <summary>The current estimates for each candidate slot.</summary>
    public void Fill(Query query, ReadOnlySpan<int> slots,
        Span<double> quality, Span<double> latencyMs, Span<double> cost, Span<double> stability)
    {
        EmaTable? taskTable = null;
        if (PerTaskType && query.TaskType is { } taskType)
        {
            _byTaskType.TryGetValue(taskType, out taskTable);
        }

        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            var level = taskTable ?? _overall;
            var table = level.HasObservations(slot) ? level : null;
            if (table is null)
            {
                quality[i] = ColdQuality;
                latencyMs[i] = ColdLatencyMs;
                cost[i] = ColdCost;
                stability[i] = ColdStability;
            }
            else
            {
                quality[i] = table.Quality[slot];
                latencyMs[i] = table.LatencyMs[slot];
                cost[i] = table.Cost[slot];
                stability[i] = table.Stability[slot];
            }
        }
    }

    public void Observe(Query query, AgentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(outcome);
        var slot = _registry.GetOrAdd(outcome.Agent);
        var quality = RewardWeights.EffectiveQuality(outcome);
        var stability = outcome.Succeeded ? 1.0 : 0.0;
        _overall.Update(slot, Alpha, quality, outcome.LatencyMs, outcome.Cost, stability, ColdQuality, QualityPriorWeight);
        if (PerTaskType && query.TaskType is { } taskType)
        {
            if (!_byTaskType.TryGetValue(taskType, out var table))
            {
                if (!TaskTypeLimit.Admit(_byTaskType, taskType, MaxTaskTypes, _policy))
                {
                    return;
                }

                table = new EmaTable();
                _byTaskType.Add(taskType, table);
            }

            table.Update(slot, Alpha, quality, outcome.LatencyMs, outcome.Cost, stability, ColdQuality, QualityPriorWeight);
        }
    }

    public JsonObject Snapshot()
    {
        var state = PolicyState.Header(_policy);
        var agents = _registry.Names();
        state["agents"] = PolicyState.Strings(agents);
        state["overall"] = TableToJson(_overall, agents.Length);
        var byTask = new JsonObject();
        foreach (var taskType in _byTaskType.Keys.Order(StringComparer.Ordinal))
        {
            byTask[taskType] = TableToJson(_byTaskType[taskType], agents.Length);
        }

        state["byTaskType"] = byTask;
        return state;
    }

    public void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, _policy);
        var agents = PolicyState.ReadStrings(state, "agents");
        _registry.ReplaceWith(agents);

        TableFromJson(PolicyState.RequiredObject(state, "overall"), _overall, agents.Length);
        _byTaskType.Clear();
        foreach (var (taskType, node) in PolicyState.RequiredObject(state, "byTaskType"))
        {
            var table = new EmaTable();
            TableFromJson(node as JsonObject ?? throw new ArgumentException(
                $"Snapshot field 'byTaskType.{taskType}' is not an object.", "byTaskType"), table, agents.Length);
            _byTaskType.Add(taskType, table);
        }
    }

    private static JsonObject TableToJson(EmaTable table, int agents)
    {
        table.EnsureCapacity(agents);
        var counts = new double[agents];
        for (var i = 0; i < agents; i++)
        {
            counts[i] = table.Count[i];
        }

        return new JsonObject
        {
            ["quality"] = PolicyState.Doubles(table.Quality.AsSpan(0, agents)),
            ["latencyMs"] = PolicyState.Doubles(table.LatencyMs.AsSpan(0, agents)),
            ["cost"] = PolicyState.Doubles(table.Cost.AsSpan(0, agents)),
            ["stability"] = PolicyState.Doubles(table.Stability.AsSpan(0, agents)),
            ["count"] = PolicyState.Doubles(counts),
        };
    }

    private static void TableFromJson(JsonObject json, EmaTable table, int agents)
    {
        table.Quality = PolicyState.ReadDoubles(json, "quality", agents);
        table.LatencyMs = PolicyState.ReadDoubles(json, "latencyMs", agents);
        table.Cost = PolicyState.ReadDoubles(json, "cost", agents);
        table.Stability = PolicyState.ReadDoubles(json, "stability", agents);
        var counts = PolicyState.ReadDoubles(json, "count", agents);
        table.Count = new int[agents];
        for (var i = 0; i < agents; i++)
        {
            table.Count[i] = (int)counts[i];
        }
    }
}
