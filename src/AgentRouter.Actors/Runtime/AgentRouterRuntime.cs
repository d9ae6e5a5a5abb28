using Akka.Actor;
using Akka.Configuration;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
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
    private const string DefaultHocon = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor.default-dispatcher.throughput = 100
        }
        """;

    private AgentRouterRuntime(ActorSystem system, IReadOnlyList<AgentHandle> agents, IReadOnlyDictionary<string, IActorRef> routers, string defaultRouter, IActorRef feedback, IActorRef mergeAgent)
    {
        System = system;
        Agents = agents;
        Routers = routers;
        DefaultRouter = defaultRouter;
        FeedbackCoordinator = feedback;
        MergeAgent = mergeAgent;
        Client = new ActorAgentRouter(this);
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

    public static async Task<AgentRouterRuntime> StartAsync(AgentRouterOptions options, CancellationToken cancellationToken = default)
    {
        var (manifests, backends) = ResolveAgents(options);
        var routerDefinitions = options.Routers.Count > 0
            ? options.Routers
            : [new RouterDefinition(new RouterSettings("default"), "ema")];
        var policies = ResolvePolicies(routerDefinitions, options.PoliciesDirectory);
        var resolveMerge = options.MergeStrategies ?? MergeCatalog.Create;

        var config = ConfigurationFactory.ParseString(options.Hocon ?? "").WithFallback(ConfigurationFactory.ParseString(DefaultHocon));
        var system = ActorSystem.Create(options.SystemName, config);
        try
        {
            var vitals = manifests.ToDictionary(m => m.Name, m => new AgentVitals(m.Name, Math.Min(m.Capacity, backends[m.Name].Capacity)));
            var agentProps = manifests
                .Select(m => (m.Name, ModelAgentActor.Props(m.Name, backends[m.Name], new AgentSettings(m.QueueLimit, options.Backoff), vitals[m.Name], options.Time)))
                .ToList();
            var supervisor = system.ActorOf(AgentSupervisorActor.Props(agentProps), "agents");
            var children = await supervisor.Ask<AgentSupervisorActor.Agents>(AgentSupervisorActor.GetAgents.Instance, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            var agents = manifests.Select(m => new AgentHandle(m.ToProfile(), children.ByName[m.Name], vitals[m.Name])).ToList();

            IActorRef? llmAgent = null;
            if (options.LlmMergeAgent is { } llmName)
            {
                llmAgent = agents.FirstOrDefault(a => a.Name == llmName)?.Actor
                    ?? throw new ManifestValidationException([new ManifestError("options", "LlmMergeAgent", $"no agent named '{llmName}'")]);
            }

            var mergeAgent = system.ActorOf(
                MergeAgentActor.Props(new MergeAgentSettings(llmAgent, options.LlmMergeAgent ?? "", options.FallbackMergeStrategy, options.LlmMergeTimeout), resolveMerge, options.Time),
                "merge");
            var routers = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
            foreach (var definition in routerDefinitions)
            {
                var policy = policies[definition.Settings.Name]();
                var dependencies = new RouterDependencies(policy, agents, resolveMerge, mergeAgent, options.Featurizer, options.Time);
                routers[definition.Settings.Name] = system.ActorOf(RouterActor.Props(definition.Settings, dependencies), "router-" + Uri.EscapeDataString(definition.Settings.Name));
            }

            var feedback = system.ActorOf(FeedbackCoordinatorActor.Props([.. routers.Values], TimeSpan.FromSeconds(10)), "feedback");
            return new AgentRouterRuntime(system, agents, routers, routerDefinitions[0].Settings.Name, feedback, mergeAgent);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    internal static (List<AgentManifest> Manifests, Dictionary<string, IModelBackend> Backends) ResolveAgents(AgentRouterOptions options)
    {
        var errors = new List<ManifestError>();
        var manifests = new List<AgentManifest>();
        if (options.AgentsDirectory is { } directory)
        {
            var loaded = AgentManifestLoader.LoadDirectory(directory);
            errors.AddRange(loaded.Errors);
            manifests.AddRange(loaded.Manifests);
        }

        foreach (var manifest in options.Agents)
        {
            if (manifests.Any(m => m.Name == manifest.Name))
            {
                errors.Add(new ManifestError(manifest.SourceFile ?? "options", "name", $"agent name '{manifest.Name}' is declared twice"));
                continue;
            }

            manifests.Add(manifest);
        }

        var backends = new Dictionary<string, IModelBackend>(StringComparer.Ordinal);
        var valid = new List<AgentManifest>();
        foreach (var manifest in manifests)
        {
            IModelBackend? backend;
            if (options.Backends.TryGetValue(manifest.Name, out var supplied))
            {
                backend = supplied;
            }
            else if (options.BackendFactories.TryGetValue(manifest.Backend, out var factory))
            {
                backend = factory(manifest, errors);
            }
            else
            {
                var hint = string.Equals(manifest.Backend, "replay", StringComparison.OrdinalIgnoreCase)
                    ? "replay agents need their recorded answers supplied in code (AgentRouterOptions.Backends)"
                    : $"known kinds: {string.Join(", ", options.BackendFactories.Keys.Order())}";
                errors.Add(new ManifestError(manifest.SourceFile ?? "options", "backend", $"no backend for kind '{manifest.Backend}' of agent '{manifest.Name}' ({hint})"));
                continue;
            }

            if (backend is not null)
            {
                backends[manifest.Name] = backend;
                valid.Add(manifest);
            }
        }

        if (errors.Count > 0)
        {
            throw new ManifestValidationException(errors);
        }

        if (valid.Count == 0)
        {
            throw new ManifestValidationException([new ManifestError(options.AgentsDirectory ?? "options", "", "no valid agents: a router refuses to start with zero agents")]);
        }

        return (valid, backends);
    }

    /// <summary>Checks every preset file and router definition; returns a policy factory per router.</summary>
    internal static Dictionary<string, Func<IRoutingPolicy>> ResolvePolicies(IReadOnlyList<RouterDefinition> routers, string? policiesDirectory)
    {
        var errors = new List<ManifestError>();
        if (policiesDirectory is not null)
        {
            if (!Directory.Exists(policiesDirectory))
            {
                errors.Add(new ManifestError(policiesDirectory, "", "policy preset directory does not exist"));
            }
            else
            {
                foreach (var file in Directory.EnumerateFiles(policiesDirectory, "*.json").Order(StringComparer.Ordinal))
                {
                    try
                    {
                        PolicyPresetLoader.LoadFile(file);
                    }
                    catch (PolicyPresetException e)
                    {
                        errors.Add(new ManifestError(e.File, e.Field ?? "", e.Message));
                    }
                }
            }
        }

        var factories = new Dictionary<string, Func<IRoutingPolicy>>(StringComparer.Ordinal);
        foreach (var router in routers)
        {
            var label = $"router '{router.Settings.Name}'";
            if (factories.ContainsKey(router.Settings.Name))
            {
                errors.Add(new ManifestError(label, "name", "declared twice"));
                continue;
            }

            if (router.Settings.PanelSize < 1)
            {
                errors.Add(new ManifestError(label, "panelSize", $"must be at least 1, got {router.Settings.PanelSize}"));
            }

            if (router.Preset is { } presetName)
            {
                try
                {
                    var preset = PolicyPresetLoader.Load(presetName, policiesDirectory ?? PolicyPresetLoader.DefaultDirectory());
                    preset.CreatePolicy(); // the policy's own parameter checks, at start-up rather than first use
                    factories[router.Settings.Name] = () => preset.CreatePolicy();
                }
                catch (PolicyPresetException e)
                {
                    errors.Add(new ManifestError(e.File, e.Field ?? "", e.Message));
                }

                continue;
            }

            if (!PolicyCatalog.IsKnown(router.Policy))
            {
                errors.Add(new ManifestError(label, "policy", $"unknown policy '{router.Policy}' (known: {string.Join(", ", PolicyCatalog.Names.Order())})"));
                continue;
            }

            var settings = router.PolicySettings ?? new PolicySettings();
            try
            {
                PolicyCatalog.Create(router.Policy, settings);
            }
            catch (ArgumentException e)
            {
                errors.Add(new ManifestError(label, "policySettings", e.Message));
                continue;
            }

            factories[router.Settings.Name] = () => PolicyCatalog.Create(router.Policy, settings);
        }

        if (errors.Count > 0)
        {
            throw new ManifestValidationException(errors);
        }

        return factories;
    }

    public async ValueTask DisposeAsync() => await System.Terminate().ConfigureAwait(false);
}
