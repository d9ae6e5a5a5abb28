using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors;

/// <summary>Progress of one streamed query, in the order the router saw it.</summary>
public abstract record RouterEvent(string QueryId)
{
    public sealed record Decided(string QueryId, RoutingDecision Decision) : RouterEvent(QueryId);

    public sealed record Token(string QueryId, string Agent, string Text) : RouterEvent(QueryId);

    public sealed record AgentAnswered(string QueryId, AgentAnalysis Analysis) : RouterEvent(QueryId);

    /// <summary>The last event: the query's one terminal outcome.</summary>
    public sealed record Finished(string QueryId, QueryOutcome Outcome) : RouterEvent(QueryId);
}
