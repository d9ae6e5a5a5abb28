using Akka.Actor;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Protocol;

/// <summary>Messages a client exchanges with a router actor. Every accepted <see cref="RouteQuery"/> gets
/// exactly one <see cref="QueryOutcome"/> (answered or failed) back to its sender.</summary>
public static class RouterProtocol
{
    /// <param name="TraceParent">The caller's span as a W3C <c>traceparent</c> (see <see cref="Tracing.RouterTracing"/>); null when untraced.</param>
    /// <param name="Observer">Receives <see cref="QueryDecided"/>, <see cref="AgentAnswered"/> and
    /// <see cref="AgentProtocol.TokenProduced"/> as the query progresses (streaming); null for none.</param>
    public sealed record RouteQuery(Query Query, RouteOptions? Options = null, IActorRef? Observer = null, string? TraceParent = null);

    /// <summary>Cancel a query in flight; it ends with <see cref="QueryFailureReason.Cancelled"/>. Ignored when
    /// the query has already ended.</summary>
    public sealed record CancelQuery(string QueryId);

    public sealed record QueryDecided(string QueryId, RoutingDecision Decision);

    public sealed record AgentAnswered(string QueryId, AgentAnalysis Analysis);

    public sealed record GetRouterStats
    {
        public static readonly GetRouterStats Instance = new();
    }

    /// <param name="InFlight">Queries accepted and not yet answered.</param>
    /// <param name="PendingFeedback">Answered queries still waiting for feedback.</param>
    public sealed record RouterStats(
        string Router, string Policy, int InFlight, int PendingFeedback, long Answered, long Failed, long Retries, long AgentTimeouts);
}

/// <summary>Per-query overrides of a router's defaults.</summary>
/// <param name="MergeStrategy">A merge strategy name, or <c>llm</c> for the merge agent's LLM merge.</param>
/// <param name="AgentDeadline">How long each agent may take; past it the agent's slot counts as timed out.</param>
/// <param name="QueryDeadline">How long the whole query may take, retries included.</param>
/// <param name="Agents">Restricts the candidates to these agents (e.g. the agents a replay recorded answers for);
/// null offers every available agent.</param>
public sealed record RouteOptions(
    int? PanelSize = null,
    string? MergeStrategy = null,
    TimeSpan? AgentDeadline = null,
    TimeSpan? QueryDeadline = null,
    int? MaxRetries = null,
    IReadOnlyList<string>? Agents = null);

/// <summary>The one terminal reply to a routed query.</summary>
public abstract record QueryOutcome(string QueryId, string Router);

/// <param name="Answer">The merged answer; its Rationale says when an LLM merge fell back to a vote.</param>
/// <param name="Analyses">Every panel member's final analysis (including timed-out or failed ones), panel order.</param>
/// <param name="Decision">The policy's decision evidence: scores per candidate and the rule.</param>
/// <param name="Retries">How many agent requests were re-sent to a next-ranked agent after a crash or failure.</param>
public sealed record QueryAnswered(
    string QueryId,
    string Router,
    MergeResult Answer,
    IReadOnlyList<AgentAnalysis> Analyses,
    RoutingDecision Decision,
    int Retries,
    bool MergeFellBack) : QueryOutcome(QueryId, Router);

/// <param name="Field">For a query <see cref="QueryFailureReason.Rejected"/> because of one of its fields (a prompt longer than
/// the agents' context, max_tokens that do not fit): that field, in the OpenAI request's spelling.</param>
public sealed record QueryFailed(
    string QueryId,
    string Router,
    QueryFailureReason Reason,
    string Message,
    IReadOnlyList<AgentAnalysis> Analyses,
    string? Field = null) : QueryOutcome(QueryId, Router);

public enum QueryFailureReason
{
    /// <summary>The query was malformed or its id is already in flight or awaiting feedback, or every panel member
    /// found it impossible to serve (<see cref="AgentFailureKind.InvalidQuery"/>, e.g. a prompt longer than the context).</summary>
    Rejected,

    /// <summary>No agent was available to serve it.</summary>
    NoAgents,

    /// <summary>Every panel member failed, timed out or crashed, and retries were exhausted.</summary>
    AllAgentsFailed,

    /// <summary>The whole-query deadline passed.</summary>
    DeadlineExceeded,

    /// <summary>The caller cancelled.</summary>
    Cancelled,

    /// <summary>The merge step failed (a merge strategy threw, or no merge agent runs for an LLM merge).</summary>
    MergeFailed,

    /// <summary>The routing policy threw or chose an agent the router does not know (a defect in the policy).</summary>
    PolicyFailed,

    /// <summary>The router already had its admission limit (<see cref="Routing.RouterSettings.MaxInFlight"/>) of
    /// queries in flight; the query was refused at once, nothing was dispatched. Retry later or elsewhere.</summary>
    Overloaded,

    /// <summary>The router's actor system stopped (its node shut down or was aborted) before the router answered. The
    /// query may have reached agents, but no answer exists; send it again, to another router node.</summary>
    RouterStopped,
}
