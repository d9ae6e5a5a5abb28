using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.State;

namespace AgentRouter.Cluster.Hosting;

/// <summary>Everything a cluster node is started from.</summary>
/// <param name="Roles"><c>router</c>, <c>models</c> or both.</param>
/// <param name="Hostname">Address the node binds to and advertises (unless <see cref="PublicHostname"/> is set).</param>
/// <param name="Port">Remoting port; 0 picks a free one (tests). Nodes that restart need a fixed port so that
/// seed lists stay valid.</param>
/// <param name="Seeds">Seed nodes as <c>host:port</c> (or full <c>akka.tcp://</c> addresses); empty: this node
/// founds a new cluster on its own address.</param>
/// <param name="Runtime">Agents (for <c>models</c>) and routers (for <c>router</c>), as for the single-process runtime.</param>
/// <param name="MaximumFrameSizeBytes">Null: <c>agentrouter.cluster.maximum-frame-size</c> (reference.conf).</param>
/// <param name="Tuning">Null: the production tuning of reference.conf.</param>
/// <param name="SharedState">Redis-backed shared policy state; null keeps policy state in memory, per node.</param>
public sealed record ClusterNodeOptions(
    IReadOnlyList<string> Roles,
    AgentRouterOptions Runtime,
    string Hostname = "127.0.0.1",
    int Port = 0,
    IReadOnlyList<string>? Seeds = null,
    SharedStateOptions? SharedState = null,
    string? PublicHostname = null,
    string? NodeId = null,
    ClusterTuning? Tuning = null,
    bool SerializeAllMessages = false,
    long? MaximumFrameSizeBytes = null)
{
    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>Every problem with these options, each naming its field.</summary>
    public IReadOnlyList<ManifestError> Validate()
    {
        var errors = new List<ManifestError>();
        if (Roles.Count == 0)
        {
            errors.Add(new ManifestError("node options", "roles", "a node needs at least one role (router, models)"));
        }

        foreach (var role in Roles.Where(r => !NodeRoles.All.Contains(r, StringComparer.Ordinal)))
        {
            errors.Add(new ManifestError("node options", "roles", $"unknown role '{role}' (known: {string.Join(", ", NodeRoles.All)})"));
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add(new ManifestError("node options", "port", $"{Port} is not a TCP port"));
        }

        foreach (var seed in Seeds ?? [])
        {
            if (!SeedAddress.TryParse(seed, Runtime.SystemName, out _, out var error))
            {
                errors.Add(new ManifestError("node options", "seeds", error));
            }
        }

        if (MaximumFrameSizeBytes < ClusterSettings.MinimumFrameSizeBytes)
        {
            errors.Add(new ManifestError("node options", "maximumFrameSize", $"{MaximumFrameSizeBytes} bytes is below Akka's minimum of {ClusterSettings.MinimumFrameSizeBytes}"));
        }

        return errors;
    }
}
