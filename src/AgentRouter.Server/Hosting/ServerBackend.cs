using Akka.Actor;
using AgentRouter.Actors;
using AgentRouter.Actors.Runtime;

namespace AgentRouter.Server.Hosting;

/// <summary>What the HTTP endpoints run over: the embedding client (chat, feedback), the router actors (decision-only
/// requests, dashboard counters), the model ids the API accepts and, where this process hosts the agents, their
/// load. The single-process <see cref="AgentRouterRuntime"/> and a cluster router node both provide one.</summary>
/// <param name="AgentLoads">Current load per locally hosted agent; empty where the agents live on other nodes.</param>
public sealed record ServerBackend(
    IAgentRouter Client,
    IReadOnlyDictionary<string, IActorRef> Routers,
    ModelCatalog Catalog,
    Func<IEnumerable<(string Agent, double Load)>> AgentLoads)
{
    public static ServerBackend FromRuntime(AgentRouterRuntime runtime, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return new ServerBackend(runtime.Client, runtime.Routers, catalog, () => runtime.Agents.Select(a => (a.Name, a.Vitals.Load)));
    }

    /// <summary>A router node's routers as models: <c>router</c> is the default router, every router is also
    /// <c>router:&lt;name&gt;</c>. Agents are not listed as direct-call models: on a cluster they join and leave
    /// with their nodes, and a router node has no fixed router per agent.</summary>
    public static ServerBackend ForRouterNode(IAgentRouter client, IReadOnlyDictionary<string, IActorRef> routers, string defaultRouter, IReadOnlyList<RouterDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(routers);
        ArgumentNullException.ThrowIfNull(definitions);
        if (!routers.ContainsKey(defaultRouter))
        {
            throw new ArgumentException($"default router '{defaultRouter}' is not among the node's routers ({string.Join(", ", routers.Keys.Order())})", nameof(defaultRouter));
        }

        string PolicyOf(string router) => definitions.FirstOrDefault(d => d.Settings.Name == router)?.Policy ?? "unknown";
        var entries = new List<ModelEntry>
        {
            new(ModelCatalog.DefaultRouter, "router", defaultRouter, PolicyOf(defaultRouter), $"the cluster router '{defaultRouter}' of this node"),
        };
        entries.AddRange(routers.Keys.Order(StringComparer.Ordinal).Select(name =>
            new ModelEntry("router:" + name, "router", name, PolicyOf(name), $"cluster router '{name}' (agents from every models node)")));
        return new ServerBackend(client, routers, new ModelCatalog(entries), () => []);
    }
}
