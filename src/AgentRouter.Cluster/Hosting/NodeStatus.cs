using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Serialization;
using AgentRouter.Cluster.State;

namespace AgentRouter.Cluster.Hosting;

/// <summary>What a node reports about itself (the node command writes it to its status file).</summary>
/// <param name="Up">True once this node is an Up member of the cluster.</param>
/// <param name="Agents">Agents the routers of this node may use, with their hosting node (router nodes only).</param>
/// <param name="SharedState">Counters of the Redis-backed state, including the degraded flag (router nodes with Redis).</param>
public sealed record NodeStatus(
    string NodeId,
    string Address,
    IReadOnlyList<string> Roles,
    bool Up,
    IReadOnlyList<string> Members,
    IReadOnlyList<string> Unreachable,
    IReadOnlyDictionary<string, string> Agents,
    SharedStateStatus? SharedState)
{
    public static async Task<NodeStatus> CaptureAsync(ClusterNode node)
    {
        var cluster = node.Cluster;
        var state = cluster.State;
        IReadOnlyDictionary<string, string> agents = new Dictionary<string, string>();
        if (node.Directory is { } directory)
        {
            agents = (await directory.Ask<ClusterAgentDirectoryActor.DirectoryContents>(ClusterAgentDirectoryActor.GetDirectory.Instance, TimeSpan.FromSeconds(5)).ConfigureAwait(false)).NodeByAgent;
        }

        return new NodeStatus(
            node.NodeId,
            cluster.SelfAddress.ToString(),
            node.Options.Roles,
            cluster.SelfMember.Status == MemberStatus.Up,
            [.. state.Members.Where(m => m.Status == MemberStatus.Up).Select(m => $"{m.Address} [{string.Join(",", m.Roles)}]")],
            [.. state.Unreachable.Select(m => m.Address.ToString())],
            agents,
            node.UsesSharedState ? node.StateMonitor.Status() : null);
    }

    public string ToJson() => JsonSerializer.Serialize(this, ClusterJson.Plain);
}
