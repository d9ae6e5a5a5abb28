using AgentRouter.Core.Backends;
using Akka.Actor;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Configuration;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Merging;
using AgentRouter.Actors.Routing;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Presets;

namespace AgentRouter.Actors.Runtime;

/// <summary>A running actor system: agents under a restarting supervisor, the merge agent, one router actor per
/// router definition and the feedback coordinator. Start-up validates everything first and refuses to start
/// (with a <see cref="ManifestValidationException"/> naming file and field) on any invalid manifest, unknown
/// backend kind or policy, or zero valid agents.</summary>
public sealed class AgentRouterRuntime : IAsyncDisposable
{
    private AgentRouterRuntime(ActorSystem system, IReadOnlyList<AgentHandle> agents, IReadOnlyDictionary<string, IActorRef> routers, string defaultRouter, IActorRef feedback, IActorRef mergeAgent)
    {
        System = system;
        Agents = agents;
        Routers = routers;
        DefaultRouter = defaultRouter;
        FeedbackCoordinator = feedback;
        MergeAgent = mergeAgent;
        Client = new ActorAgentRouter(new RouterLocator(system, routers, defaultRouter), feedback, AgentSystemAssembly.ServedQueryCapacity(routers.Count));
    }

    public ActorSystem System { get; }

    public IReadOnlyList<AgentHandle> Agents { get; }

    /// <summary>Router actors by router name.</summary>
    public IReadOnlyDictionary<string, IActorRef> Routers { get; }

    public string DefaultRouter { get; }

    public IActorRef FeedbackCoordinator { get; }

    public IActorRef MergeAgent { get; }

    /// <summary>The embedding facade over this runtime.</summary>
    public IAgentRouter Client { get; }

    /// <summary>Starts the runtime with the default composition (the built-in backend kinds and catalogs).</summary>
    public static Task<AgentRouterRuntime> StartAsync(AgentRouterOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, AgentRouterComposition.Default, cancellationToken);

    /// <summary>Starts the runtime with the backend kinds, merge strategies, policies, featurizer and clock of
    /// <paramref name="composition"/> (the composition root's).</summary>
    public static async Task<AgentRouterRuntime> StartAsync(AgentRouterOptions options, AgentRouterComposition composition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(composition);
        var (manifests, backends) = AgentSystemAssembly.ResolveAgents(options, composition);
        var routerDefinitions = AgentSystemAssembly.RouterDefinitions(options);
        var policies = AgentSystemAssembly.ResolvePolicies(routerDefinitions, options.PoliciesDirectory, composition);

        var config = AgentSystemAssembly.Configuration(options);
        var settings = AgentRouterRuntimeSettings.Create(config);
        var system = ActorSystem.Create(options.SystemName, config);
        try
        {
            var agents = await AgentSystemAssembly.StartAgentsAsync(system, options, settings, manifests, backends, composition, cancellationToken).ConfigureAwait(false);
            var mergeAgent = AgentSystemAssembly.StartMergeAgent(system, options, composition, AgentSystemAssembly.LlmMergeJudge(options, agents));
            var routers = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
            foreach (var definition in routerDefinitions)
            {
                routers[definition.Settings.Name] = AgentSystemAssembly.StartRouter(system, definition, policies[definition.Settings.Name](), agents, mergeAgent, composition);
            }

            var feedback = AgentSystemAssembly.StartFeedbackCoordinator(system, routers, settings);
            return new AgentRouterRuntime(system, agents, routers, routerDefinitions[0].Settings.Name, feedback, mergeAgent);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await System.Terminate().ConfigureAwait(false);
}
