using AgentRouter.Core.Domain;

namespace AgentRouter.Actors.Protocol;

/// <summary>Asking a router for its decision alone: the panel and scores it would choose now, with no agent
/// called, nothing merged and nothing awaiting feedback (the HTTP server's <c>/v1/route</c>).</summary>
public static class DecisionProtocol
{
    public sealed record DecideOnly(Query Query, int? PanelSize = null);

    public sealed record DecisionMade(RoutingDecision Decision);

    public sealed record DecisionRefused(string QueryId, QueryFailureReason Reason, string Message);
}
