using Akka.Actor;
using Akka.Configuration;
using AgentRouter.Actors.Configuration;
using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Merging;
using AgentRouter.Actors.Routing;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Presets;

namespace AgentRouter.Actors.Runtime;

/// <summary>The one way an actor system gets its agents, merge agent and routers, shared by the in-process
/// <see cref="AgentRouterRuntime"/> and a cluster node: manifests and presets are checked first (every error,
/// naming file and field, in one <see cref="ManifestValidationException"/>), then the actors start.</summary>
internal static class AgentSystemAssembly
{
    /// <summary>The router every entry point runs when none is configured.</summary>
    public static readonly RouterDefinition DefaultRouter = new(new RouterSettings("default"), "ema");

    /// <summary>How many query ids a client remembers the serving router of (for addressed feedback): the default
    /// feedback window of every router, capped so a server with many routers stays within tens of megabytes.</summary>
    public static int ServedQueryCapacity(int routers) => (int)Math.Min(200_000L, 100_000L * Math.Max(1, routers));

    public static IReadOnlyList<RouterDefinition> RouterDefinitions(AgentRouterOptions options) =>
        options.Routers.Count > 0 ? options.Routers : [DefaultRouter];

    /// <summary>Starts the agents under their restarting supervisor; handles in manifest order.</summary>
    /// <summary>The actor system's configuration: the user's HOCON (<see cref="AgentRouterOptions.Hocon"/>), then the
    /// entry point's typed overrides (a cluster node's addresses and roles), then <paramref name="moduleDefaults"/>
    /// (the cluster's reference.conf), then the runtime's reference.conf.</summary>
    public static Config Configuration(AgentRouterOptions options, Config? overrides = null, Config? moduleDefaults = null)
    {
        var config = ConfigurationFactory.ParseString(options.Hocon ?? "");
        foreach (var fallback in new[] { overrides, moduleDefaults, ReferenceConfig.Runtime })
        {
            if (fallback is not null && !fallback.IsEmpty)
            {
                config = config.WithFallback(fallback);
            }
        }

        return config;
    }

    /// <summary>The coordinator that addresses feedback to the router that served the query.</summary>
    public static IActorRef StartFeedbackCoordinator(ActorSystem system, IReadOnlyDictionary<string, IActorRef> routers, AgentRouterRuntimeSettings settings) =>
        system.ActorOf(FeedbackCoordinatorActor.Props([.. routers.Values], settings.FeedbackAskTimeout), "feedback");

    public static async Task<IReadOnlyList<AgentHandle>> StartAgentsAsync(ActorSystem system, AgentRouterOptions options, AgentRouterRuntimeSettings settings, IReadOnlyList<AgentManifest> manifests,
        IReadOnlyDictionary<string, IModelBackend> backends, AgentRouterComposition composition, CancellationToken cancellationToken)
    {
        var vitals = manifests.ToDictionary(m => m.Name, m => new AgentVitals(m.Name, Math.Min(m.Capacity, backends[m.Name].Capacity)));
        var agentProps = manifests
            .Select(m => (m.Name, ModelAgentActor.Props(m.Name, backends[m.Name], new AgentSettings(m.QueueLimit, options.Backoff), vitals[m.Name], composition.Time)))
            .ToList();
        var supervisor = system.ActorOf(AgentSupervisorActor.Props(agentProps), "agents");
        var children = await supervisor.Ask<AgentSupervisorActor.Agents>(AgentSupervisorActor.GetAgents.Instance, settings.StartTimeout, cancellationToken).ConfigureAwait(false);
        return [.. manifests.Select(m => new AgentHandle(m.ToProfile(), children.ByName[m.Name], vitals[m.Name]))];
    }

    /// <summary>The agent named by <see cref="AgentRouterOptions.LlmMergeAgent"/> among <paramref name="agents"/>, or
    /// null when none is named; a name that is not among them is a validation error.</summary>
    public static IActorRef? LlmMergeJudge(AgentRouterOptions options, IReadOnlyList<AgentHandle> agents) =>
        options.LlmMergeAgent is not { } name ? null
        : agents.FirstOrDefault(a => a.Name == name)?.Actor
            ?? throw new ManifestValidationException([new ManifestError("options", "LlmMergeAgent", $"no agent named '{name}'")]);

    /// <param name="llmAgent">The agent that performs LLM merges; null: LLM merges fall back to the fallback strategy.</param>
    public static IActorRef StartMergeAgent(ActorSystem system, AgentRouterOptions options, AgentRouterComposition composition, IActorRef? llmAgent) =>
        system.ActorOf(
            MergeAgentActor.Props(new MergeAgentSettings(llmAgent, llmAgent is null ? "" : options.LlmMergeAgent ?? "", options.FallbackMergeStrategy, options.LlmMergeTimeout), composition.CreateMerge, composition.Time),
            "merge");

    public static IActorRef StartRouter(ActorSystem system, RouterDefinition definition, IRoutingPolicy policy, IReadOnlyList<AgentHandle> agents, IActorRef mergeAgent, AgentRouterComposition composition)
    {
        var dependencies = new RouterDependencies(policy, agents, composition.CreateMerge, mergeAgent, composition.Featurize, composition.Time);
        return system.ActorOf(RouterActor.Props(definition.Settings, dependencies), "router-" + Uri.EscapeDataString(definition.Settings.Name));
    }

    internal static (List<AgentManifest> Manifests, Dictionary<string, IModelBackend> Backends) ResolveAgents(AgentRouterOptions options, AgentRouterComposition composition)
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
            else if (composition.TryGetBackendFactory(manifest.Backend, out var factory))
            {
                backend = factory(manifest, errors);
            }
            else
            {
                var hint = string.Equals(manifest.Backend, "replay", StringComparison.OrdinalIgnoreCase)
                    ? "replay agents need their recorded answers supplied in code (AgentRouterOptions.Backends)"
                    : $"known kinds: {string.Join(", ", composition.BackendKinds)}";
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
    internal static Dictionary<string, Func<IRoutingPolicy>> ResolvePolicies(IReadOnlyList<RouterDefinition> routers, string? policiesDirectory, AgentRouterComposition composition)
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

            if (!composition.IsKnownPolicy(router.Policy))
            {
                errors.Add(new ManifestError(label, "policy", $"unknown policy '{router.Policy}' (known: {string.Join(", ", composition.PolicyNames)})"));
                continue;
            }

            var settings = router.PolicySettings ?? new PolicySettings();
            try
            {
                composition.CreatePolicy(router.Policy, settings);
            }
            catch (ArgumentException e)
            {
                errors.Add(new ManifestError(label, "policySettings", e.Message));
                continue;
            }

            factories[router.Settings.Name] = () => composition.CreatePolicy(router.Policy, settings);
        }

        if (errors.Count > 0)
        {
            throw new ManifestValidationException(errors);
        }

        return factories;
    }
}
