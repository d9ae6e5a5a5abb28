using AgentRouter.Actors;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Presets;
using AgentRouter.SemanticKernel.Remote;

namespace AgentRouter.Server.Hosting;

/// <summary>Provides the <see cref="ServerBackend"/> behind the endpoints. By default it owns an embedded actor
/// runtime: builds its options (agents, remote backends, one router per policy preset, one fixed router per agent
/// for direct calls), starts it with the host and stops it after the HTTP server has drained. With
/// <see cref="ServerOptions.Backend"/> set (a cluster router node) it serves that backend and leaves its
/// lifetime to the owner.</summary>
public sealed class ServerRuntime(ServerOptions options, AgentRouterComposition composition) : IHostedService, IAsyncDisposable
{
    private AgentRouterRuntime? _runtime;
    private volatile ServerBackend? _backend;

    public bool IsReady => _backend is not null;

    public ServerBackend Backend => _backend ?? throw NotRunning();

    /// <summary>The embedded runtime; only when the server owns one (not over a cluster node).</summary>
    public AgentRouterRuntime Runtime => _runtime ?? throw (options.Backend is null ? NotRunning() : new InvalidOperationException("the server runs over an external backend (a cluster node), not an embedded runtime"));

    public IAgentRouter Router => Backend.Client;

    public ModelCatalog Catalog => _backend?.Catalog ?? new ModelCatalog([]);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Backend is { } external)
        {
            _backend = external;
            return;
        }

        var (runtimeOptions, catalog) = BuildRuntimeOptions(options);
        _runtime = await AgentRouterRuntime.StartAsync(runtimeOptions, composition, cancellationToken).ConfigureAwait(false);
        _backend = ServerBackend.FromRuntime(_runtime, catalog);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _backend = null;
        if (Interlocked.Exchange(ref _runtime, null) is { } runtime)
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
        }
    }

    public static (AgentRouterOptions Runtime, ModelCatalog Catalog) BuildRuntimeOptions(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var runtime = new AgentRouterOptions { SystemName = "agentrouter-server" };
        if (options.RecordedFile is { } recorded)
        {
            foreach (var manifest in AgentRouter.Actors.Backends.RecordedBackendSettings.ManifestsFor(recorded, options.RecordedLatencyScale))
            {
                runtime.AddAgent(manifest);
            }
        }

        runtime.AgentsDirectory = options.RecordedFile is not null || options.BuiltInAgents ? null : options.AgentsDirectory ?? DefaultAgents.FindShippedAgents();
        if (runtime.AgentsDirectory is null && options.RecordedFile is null)
        {
            foreach (var manifest in DefaultAgents.BuiltIn())
            {
                runtime.AddAgent(manifest);
            }
        }

        options.ConfigureRuntime?.Invoke(runtime);
        var agentNames = runtime.Agents.Select(a => a.Name).ToList();
        if (runtime.AgentsDirectory is { } directory)
        {
            // Loaded again by the runtime, which reports any error with file and field; here only the names matter.
            agentNames.AddRange(AgentRouter.Core.Agents.AgentManifestLoader.LoadDirectory(directory).Manifests.Select(m => m.Name));
        }

        var entries = new List<ModelEntry>();
        var routerSettings = new RouterSettings(ModelCatalog.DefaultRouter, PanelSize: options.PanelSize, QueryDeadline: options.MaxDeadline, AgentDeadline: options.AgentDeadline);
        var presetsDirectory = options.PoliciesDirectory ?? PolicyPresetLoader.DefaultDirectory();
        var presets = Directory.Exists(presetsDirectory)
            ? Directory.EnumerateFiles(presetsDirectory, "*.json").Order(StringComparer.Ordinal).Select(PolicyPresetLoader.LoadFile).ToList()
            : [];
        var defaultPreset = presets.FirstOrDefault(p => Path.GetFileNameWithoutExtension(p.Source) == options.DefaultPreset);
        if (defaultPreset is null)
        {
            runtime.AddRouter(routerSettings, "ema");
            entries.Add(new ModelEntry(ModelCatalog.DefaultRouter, ModelKind.Router, ModelCatalog.DefaultRouter, "ema", "the default router (EMA policy, default parameters)"));
        }
        else
        {
            runtime.AddRouter(routerSettings, defaultPreset.Policy, defaultPreset.ToSettings());
            entries.Add(new ModelEntry(ModelCatalog.DefaultRouter, ModelKind.Router, ModelCatalog.DefaultRouter, defaultPreset.Policy, $"the default router (preset '{options.DefaultPreset}')"));
        }

        foreach (var preset in presets)
        {
            var id = "router:" + Path.GetFileNameWithoutExtension(preset.Source);
            runtime.AddRouter(routerSettings with { Name = id }, preset.Policy, preset.ToSettings());
            entries.Add(new ModelEntry(id, ModelKind.Router, id, preset.Policy, $"policy preset {Path.GetFileName(preset.Source)}"));
        }

        foreach (var agent in agentNames.Distinct(StringComparer.Ordinal))
        {
            var routerName = ModelCatalog.AgentRouterPrefix + agent;
            runtime.AddRouter(routerSettings with { Name = routerName, PanelSize = 1, MaxRetries = 0 }, "fixed",
                new AgentRouter.Core.Policies.PolicySettings(Parameters: new System.Text.Json.Nodes.JsonObject { ["agent"] = agent }));
            entries.Add(new ModelEntry(agent, ModelKind.Agent, routerName, "fixed", $"direct call to agent '{agent}'"));
        }

        return (runtime, new ModelCatalog(entries));
    }

    /// <summary>What the server adds to the composition root: the <c>remote</c> backend kind and query features
    /// (contextual policies such as LinUCB need them; every router gets them computed once per query).</summary>
    public static AgentRouterBuilder AddServerDefaults(AgentRouterBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRemoteBackends().UseFeaturizer(new AgentRouter.Core.Featurization.HashedNGramFeaturizer());
    }

    private static InvalidOperationException NotRunning() => new("the AgentRouter runtime is not running (starting up or shutting down)");
}
