using System.Diagnostics.Metrics;

namespace AgentRouter.Core.Policies;

/// <summary>The bound on per-task-type tables inside policies. Task types come from clients, so a table keyed
/// by them is capped: once it holds <see cref="DefaultMaxTaskTypes"/> (or the preset's <c>maxTaskTypes</c>)
/// a new task type is not tracked on its own; its observations still update the agent-wide estimates, and
/// it is scored with them. Learned rows are never evicted (that would silently forget), and each refused
/// observation is counted on <c>agentrouter.policy.task_types_untracked</c> (meter <see cref="MeterName"/>).</summary>
public static class TaskTypeLimit
{
    public const string MeterName = "AgentRouter.Policies";

    public const int DefaultMaxTaskTypes = 1024;

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Untracked = Meter.CreateCounter<long>(
        "agentrouter.policy.task_types_untracked", "{observation}", "Observations of a task type not tracked on its own because the policy's task-type table was full");

    /// <summary>True when <paramref name="taskType"/> may have (or already has) its own row.</summary>
    internal static bool Admit<TValue>(Dictionary<string, TValue> table, string taskType, int max, string policy)
    {
        if (table.Count < max || table.ContainsKey(taskType))
        {
            return true;
        }

        Untracked.Add(1, new KeyValuePair<string, object?>("policy", policy));
        return false;
    }
}
