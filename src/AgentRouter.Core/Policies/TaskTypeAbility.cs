using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>Per task type, each agent slot's summed quality and observation count: the Laplace-smoothed
/// ability (sum + 1)/(n + 2) of an agent on one task type. Agent-wide ability favours whichever agent is
/// good on some task type everywhere; this keeps a specialist's record to its own task type.</summary>
internal sealed class TaskTypeAbility(int maxTaskTypes, string policy)
{
    private readonly Dictionary<string, (double[] Sum, double[] Count)> _byTaskType = new(StringComparer.Ordinal);

    /// <summary>The smoothed ability of <paramref name="slot"/> on <paramref name="taskType"/> (0.5 before any
    /// observation).</summary>
    public double Ability(string taskType, int slot)
    {
        if (!_byTaskType.TryGetValue(taskType, out var row) || slot >= row.Count.Length)
        {
            return 0.5;
        }

        return (row.Sum[slot] + 1) / (row.Count[slot] + 2);
    }

    public void Observe(string taskType, int slot, double quality)
    {
        if (!_byTaskType.TryGetValue(taskType, out var row))
        {
            if (!TaskTypeLimit.Admit(_byTaskType, taskType, maxTaskTypes, policy))
            {
                return;
            }

            row = ([], []);
        }

        if (row.Count.Length <= slot)
        {
            var size = Math.Max(slot + 1, Math.Max(8, row.Count.Length * 2));
            var sum = row.Sum;
            var count = row.Count;
            Array.Resize(ref sum, size);
            Array.Resize(ref count, size);
            row = (sum, count);
        }

        row.Sum[slot] += quality;
        row.Count[slot]++;
        _byTaskType[taskType] = row;
    }

    public JsonObject ToJson(int agents)
    {
        var json = new JsonObject();
        foreach (var taskType in _byTaskType.Keys.Order(StringComparer.Ordinal))
        {
            var (sum, count) = _byTaskType[taskType];
            Array.Resize(ref sum, Math.Max(sum.Length, agents));
            Array.Resize(ref count, Math.Max(count.Length, agents));
            json[taskType] = new JsonObject
            {
                ["qualitySum"] = PolicyState.Doubles(sum.AsSpan(0, agents)),
                ["observations"] = PolicyState.Doubles(count.AsSpan(0, agents)),
            };
        }

        return json;
    }

    public void Restore(JsonObject? json, int agents)
    {
        _byTaskType.Clear();
        if (json is null)
        {
            return;
        }

        foreach (var (taskType, node) in json)
        {
            var row = node as JsonObject ?? throw new ArgumentException(
                $"Snapshot field 'abilityByTaskType.{taskType}' is not an object.", "abilityByTaskType");
            _byTaskType[taskType] = (PolicyState.ReadDoubles(row, "qualitySum", agents), PolicyState.ReadDoubles(row, "observations", agents));
        }
    }
}
