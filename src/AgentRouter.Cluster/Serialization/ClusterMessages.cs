using System.Collections.Frozen;
using AgentRouter.Actors.Protocol;
using AgentRouter.Cluster.Discovery;

namespace AgentRouter.Cluster.Serialization;

/// <summary>Every message type that may cross nodes, with its wire manifest. The serializer bindings are made
/// from this table, so a type is either here (and explicitly serialized) or it is local-only.</summary>
public static class ClusterMessages
{
    private static readonly (string Manifest, Type Type)[] Table =
    [
        ("agent.analyze", typeof(AgentProtocol.Analyze)),
        ("agent.cancel", typeof(AgentProtocol.CancelAnalysis)),
        ("agent.completed", typeof(AgentProtocol.AnalysisCompleted)),
        ("agent.failed", typeof(AgentProtocol.AnalysisFailed)),
        ("agent.token", typeof(AgentProtocol.TokenProduced)),
        ("agent.get-status", typeof(AgentProtocol.GetAgentStatus)),
        ("agent.status", typeof(AgentProtocol.AgentStatus)),
        ("router.route", typeof(RouterProtocol.RouteQuery)),
        ("router.cancel", typeof(RouterProtocol.CancelQuery)),
        ("router.decided", typeof(RouterProtocol.QueryDecided)),
        ("router.agent-answered", typeof(RouterProtocol.AgentAnswered)),
        ("router.answered", typeof(QueryAnswered)),
        ("router.failed", typeof(QueryFailed)),
        ("router.decide", typeof(DecisionProtocol.DecideOnly)),
        ("router.decision", typeof(DecisionProtocol.DecisionMade)),
        ("router.decision-refused", typeof(DecisionProtocol.DecisionRefused)),
        ("router.get-stats", typeof(RouterProtocol.GetRouterStats)),
        ("router.stats", typeof(RouterProtocol.RouterStats)),
        ("feedback.submit", typeof(FeedbackProtocol.SubmitFeedback)),
        ("feedback.accepted", typeof(FeedbackProtocol.FeedbackAccepted)),
        ("feedback.rejected", typeof(FeedbackProtocol.FeedbackRejected)),
        ("discovery.list", typeof(DiscoveryProtocol.ListAgents)),
        ("discovery.advertised", typeof(DiscoveryProtocol.AgentsAdvertised)),
    ];

    private static readonly FrozenDictionary<string, Type> ByManifest = Table.ToFrozenDictionary(e => e.Manifest, e => e.Type, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, string> ByType = Table.ToFrozenDictionary(e => e.Type, e => e.Manifest);

    public static IReadOnlyCollection<Type> Types => ByType.Keys;

    public static string? ManifestOf(Type type) => ByType.GetValueOrDefault(type);

    public static Type? TypeOf(string manifest) => ByManifest.GetValueOrDefault(manifest);
}
