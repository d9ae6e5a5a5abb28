using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Cluster.State;

/// <summary>A router's policy whose learning goes through the policy's outcome log in Redis. Selection runs on
/// the local state; an observed outcome is not applied here but appended to the log (via the bounded write
/// buffer), and every router node — this one included — applies the log in the log's order. So all nodes learn
/// the same outcomes in the same order, and (log position, snapshot) is an exact restart point. The router
/// actor and the log follower both call in; a lock serialises them (the inner policy is single-threaded).</summary>
public sealed class SharedPolicy(string router, string nodeId, IRoutingPolicy inner, ClusterStateWriter writer, ClusterStateMonitor monitor)
    : IRoutingPolicy
{
    private readonly Lock _gate = new();
    private readonly string _incarnation = Guid.NewGuid().ToString("N")[..8];
    private long _eventSequence;

    public string Router { get; } = router;

    public string Name => inner.Name;

    /// <summary>The last outcome-log position applied: the policy's version.</summary>
    public LogPosition Applied { get; private set; } = LogPosition.Start;

    public long AppliedCount { get; private set; }

    public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        lock (_gate)
        {
            return inner.Select(query, candidates, panelSize);
        }
    }

    /// <summary>Appends the outcome to the log; it reaches the local state when the log is applied.</summary>
    public void Observe(Query query, AgentOutcome outcome)
    {
        var eventId = $"{nodeId}.{_incarnation}.{Interlocked.Increment(ref _eventSequence)}";
        writer.Enqueue(new PendingWrite.OutcomeAppend(Router, eventId, [new OutcomeEvent(eventId, nodeId, query, outcome).ToJson()]));
    }

    public JsonObject Snapshot()
    {
        lock (_gate)
        {
            return inner.Snapshot();
        }
    }

    public void Restore(JsonObject state)
    {
        lock (_gate)
        {
            inner.Restore(state);
        }
    }

    /// <summary>Applies one log entry; entries at or before <see cref="Applied"/> are already in the state and
    /// are skipped, which makes redelivery harmless.</summary>
    /// <returns>False when skipped.</returns>
    internal bool Apply(LogPosition position, OutcomeEvent entry)
    {
        lock (_gate)
        {
            if (position <= Applied)
            {
                return false;
            }

            Applied = position;
            AppliedCount++;
            try
            {
                inner.Observe(entry.Query, entry.Outcome);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                monitor.CountPolicyError();
                throw new PolicyApplyException($"policy '{inner.Name}' of router '{Router}' rejected log entry {position} ({entry.EventId}): {e.Message}", e);
            }

            return true;
        }
    }

    internal (JsonObject State, LogPosition Version) Capture()
    {
        lock (_gate)
        {
            return (inner.Snapshot(), Applied);
        }
    }

    /// <summary>Restores a snapshot taken at <paramref name="version"/>, when it is ahead of the local state.</summary>
    internal bool Load(JsonObject state, LogPosition version)
    {
        lock (_gate)
        {
            if (version <= Applied)
            {
                return false;
            }

            inner.Restore(state);
            Applied = version;
            return true;
        }
    }
}

/// <summary>A policy could not apply an outcome-log entry (the entry is skipped and counted).</summary>
public sealed class PolicyApplyException(string message, Exception inner) : Exception(message, inner);
