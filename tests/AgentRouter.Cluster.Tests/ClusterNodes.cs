using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Cluster.State;

namespace AgentRouter.Cluster.Tests;

/// <summary>Builds cluster nodes for the tests: loopback, free ports, fast failure detection, and every message
/// serialized (<c>serialize-messages = on</c>) as if it crossed the network.</summary>
internal static class ClusterNodes
{
    public static readonly string[] Options = ["A", "B", "C", "D"];

    public static Task<ClusterNode> Models(IReadOnlyList<string> agents, IReadOnlyList<string> seeds, double latencyMs = 0) =>
        Start([NodeRoles.Models], seeds, runtime =>
        {
            for (var i = 0; i < agents.Count; i++)
            {
                runtime.AddAgent(AgentRouterOptions.Manifest(agents[i]), new SimulatedBackend(new SimulatedBackendSettings(Seed: 11 + i, MedianLatencyMs: latencyMs, Skill: 0.8)));
            }
        });

    public static Task<ClusterNode> Router(IReadOnlyList<string> seeds, RouterSettings settings, string policy, SharedStateOptions? shared = null, string? nodeId = null) =>
        Start([NodeRoles.Router], seeds, runtime => runtime.AddRouter(settings, policy), shared, nodeId);

    public static string Address(ClusterNode node)
    {
        var self = node.Cluster.SelfAddress;
        return $"{self.Host}:{self.Port}";
    }

    private static Task<ClusterNode> Start(string[] roles, IReadOnlyList<string> seeds, Action<AgentRouterOptions> configure, SharedStateOptions? shared = null, string? nodeId = null)
    {
        var runtime = new AgentRouterOptions { Backoff = RestartBackoff.None };
        configure(runtime);
        return ClusterNode.StartAsync(new ClusterNodeOptions(roles, runtime, Seeds: seeds, SharedState: shared, NodeId: nodeId, Tuning: ClusterTuning.Fast, SerializeAllMessages: true));
    }
}
