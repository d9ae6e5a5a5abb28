namespace AgentRouter.Cluster.State;

/// <summary>A shared-state update waiting in the write buffer. Every kind is idempotent, so a batch that failed
/// half-way may be sent again.</summary>
public abstract record PendingWrite
{
    private PendingWrite()
    {
    }

    /// <summary>Appends outcome events to a policy's log, once per <paramref name="EventId"/>.</summary>
    public sealed record OutcomeAppend(string Router, string EventId, IReadOnlyList<string> Payloads) : PendingWrite;

    /// <summary>Records what a query was answered with, for its feedback window.</summary>
    public sealed record AnsweredRecord(string QueryId, string Json) : PendingWrite;

    /// <summary>Adds a feedback entry to the feedback stream (duplicates are ignored when processed).</summary>
    public sealed record FeedbackAppend(string Json) : PendingWrite;
}
