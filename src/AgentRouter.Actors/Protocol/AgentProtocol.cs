using Akka.Actor;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Protocol;

/// <summary>Messages between routers (or the merge agent) and model-agent actors. Replies go by Tell to the
/// requester; (QueryId, Slot, Attempt) correlates them, so no per-request Ask or temporary actor is needed.</summary>
public static class AgentProtocol
{
    /// <summary>Analyse <paramref name="Query"/>. <paramref name="Slot"/> is the requester's panel position and
    /// <paramref name="Attempt"/> its retry counter; both come back unchanged.</summary>
    /// <param name="TokenObserver">Receives <see cref="TokenProduced"/> while a streaming backend generates; null for none.</param>
    public sealed record Analyze(Query Query, int Slot, int Attempt, IActorRef? TokenObserver = null);

    /// <summary>Stop working on a request (the requester gave up, timed out or was cancelled).</summary>
    public sealed record CancelAnalysis(string QueryId, int Slot, int Attempt);

    public sealed record AnalysisCompleted(string QueryId, int Slot, int Attempt, AgentAnalysis Analysis);

    /// <param name="Field">For <see cref="AgentFailureKind.InvalidQuery"/>: the request field at fault.</param>
    public sealed record AnalysisFailed(string QueryId, int Slot, int Attempt, string Agent, AgentFailureKind Kind, string Reason, string? Field = null);

    public sealed record TokenProduced(string QueryId, string Agent, string Token);

    public sealed record GetAgentStatus
    {
        public static readonly GetAgentStatus Instance = new();
    }

    public sealed record AgentStatus(string Agent, int InFlight, int Queued, int Capacity, long Restarts, bool Available);
}

public enum AgentFailureKind
{
    /// <summary>The backend threw and the agent actor restarted; the request may be retried elsewhere.</summary>
    Crashed,

    /// <summary>The backend reported an error for this request.</summary>
    Failed,

    /// <summary>The agent refused the request: its queue is full or it is backing off after a crash.</summary>
    Unavailable,

    /// <summary>The request was cancelled before it completed.</summary>
    Cancelled,

    /// <summary>The query itself cannot be served (the backend threw <see cref="Core.Backends.InvalidQueryException"/>): not
    /// the agent's fault, so it is neither retried elsewhere nor counted against the agent.</summary>
    InvalidQuery,
}
