using AgentRouter.Actors;
using AgentRouter.Actors.Runtime;

namespace AgentRouter.Server.Hosting;

/// <summary>What the HTTP endpoints run over: the embedding client (chat, decisions, feedback, router counters), the
/// model ids the API accepts and, where this process hosts the agents, their load. The single-process <see cref="AgentRouterRuntime"/> and a cluster router node both provide one.</summary>
/// <param name="AgentLoads">Current load per locally hosted agent; empty where the agents live on other nodes.</param>
public sealed record ServerBackend(
    IAgentRouter Client,
    ModelCatalog Catalog,
    Func<IEnumerable<(string Agent, double Load)>> AgentLoads)
{
    public static ServerBackend FromRuntime(AgentRouterRuntime runtime, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return new ServerBackend(runtime.Client, catalog, () => runtime.Agents.Select(a => (a.Name, a.Vitals.Load)));
    }

    /// <summary>A router node's routers as models: <c>router</c> is the default router, every router is also
    /// <c>router:&lt;name&gt;</c>. Agents are not listed as direct-call models: on a cluster they join and leave
    /// with their nodes, and a router node has no fixed router per agent.</summary>
    /// <param name="definitions">The node's routers (their names and policies).</param>
    public static ServerBackend ForRouterNode(IAgentRouter client, IReadOnlyList<RouterDefinition> definitions, string defaultRouter)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(definitions);
        var routers = definitions.Select(d => d.Settings.Name).ToList();
        if (!routers.Contains(defaultRouter, StringComparer.Ordinal))
        {
            throw new ArgumentException($"default router '{defaultRouter}' is not among the node's routers ({string.Join(", ", routers.Order(StringComparer.Ordinal))})", nameof(defaultRouter));
        }

        string PolicyOf(string router) => definitions.FirstOrDefault(d => d.Settings.Name == router)?.Policy ?? "unknown";
        var entries = new List<ModelEntry>
        {
            new(ModelCatalog.DefaultRouter, ModelKind.Router, defaultRouter, PolicyOf(defaultRouter), $"the cluster router '{defaultRouter}' of this node"),
        };
        entries.AddRange(routers.Order(StringComparer.Ordinal).Select(name =>
            new ModelEntry("router:" + name, ModelKind.Router, name, PolicyOf(name), $"cluster router '{name}' (agents from every models node)")));
        return new ServerBackend(client, new ModelCatalog(entries), () => []);
    }
}
