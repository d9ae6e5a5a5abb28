using AgentRouter.Core.Domain;

namespace AgentRouter.Actors.Protocol;

/// <summary>Asking a router for its decision alone: the panel and scores it would choose now, with no agent
/// called, nothing merged and nothing awaiting feedback (the HTTP server's <c>/v1/route</c>).</summary>
public static class DecisionProtocol
{
    /// <param name="Agents">Restricts the candidates to these agents, as <see cref="RouteOptions.Agents"/> does.</param>
    public sealed record DecideOnly(Query Query, int? PanelSize = null, IReadOnlyList<string>? Agents = null);

    public sealed record DecisionMade(RoutingDecision Decision);

    public sealed record DecisionRefused(string QueryId, QueryFailureReason Reason, string Message);
}
