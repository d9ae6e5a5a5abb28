using AgentRouter.Actors;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Hosting;
using AgentRouter.LlamaCpp;
using AgentRouter.LocalAgents;
using AgentRouter.Server.Hosting;
using AgentRouter.SemanticKernel.Remote;
using Microsoft.Extensions.DependencyInjection;

namespace AgentRouter.Hosting;

/// <summary>Starts every entry point from one composition: the backend kinds the product ships (<c>simulated</c>,
/// <c>remote</c>, <c>local</c>, <c>llamacpp</c>, <c>recorded</c>), the query featurizer, and whatever <c>compose</c> adds (another backend kind, a merge
/// strategy, a policy, a fake clock). A kind registered here is available to <c>run</c>, <c>serve</c> and <c>node</c>
/// alike.</summary>
public static class AgentRouterHost
{
    /// <summary>The process's one cache of loaded local models: agents on the same weights share one loaded model
    /// (and its torch thread) for the life of the process, whichever entry point started them.</summary>
    public static SharedModelHosts LocalModels { get; } = new();

    /// <summary>Registers the backend kinds the product ships beyond the built-in <c>simulated</c>: <c>remote</c>
    /// (OpenAI-compatible endpoints), <c>local</c> (the MoE checkpoints under agents/), <c>llamacpp</c> (GGUF files run by
    /// llama.cpp) and <c>recorded</c> (a RouterBench CSV's recorded answers, waiting on the composition's clock), plus
    /// hashed n-gram query features for contextual policies.</summary>
    /// <param name="localModels">Where local models load; default <see cref="LocalModels"/>.</param>
    public static AgentRouterBuilder AddStandardBackends(this AgentRouterBuilder builder, SharedModelHosts? localModels = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return ServerRuntime.AddServerDefaults(builder).AddLocalBackends(localModels ?? LocalModels)
            .AddBackend(LlamaCppBackend.Kind, LlamaCppBackend.Create)
            .AddBackend(RecordedBackendSettings.Kind, provider => RecordedBackendSettings.Factory(provider.GetRequiredService<TimeProvider>()));
    }

    /// <summary>The standard composition, then <paramref name="compose"/>.</summary>
    public static AgentRouterComposition Composition(Action<AgentRouterBuilder>? compose = null) =>
        AgentRouterComposition.Create(builder => Standard(builder, compose));

    public static Task<AgentRouterRuntime> StartRuntimeAsync(AgentRouterOptions options, Action<AgentRouterBuilder>? compose = null, CancellationToken cancellationToken = default) =>
        AgentRouterRuntime.StartAsync(options, Composition(compose), cancellationToken);

    public static Task<AgentRouterServer> StartServerAsync(ServerOptions options, Action<AgentRouterBuilder>? compose = null, CancellationToken cancellationToken = default) =>
        AgentRouterServer.StartAsync(options, builder => Standard(builder, compose), cancellationToken);

    public static Task<ClusterNode> StartNodeAsync(ClusterNodeOptions options, Action<AgentRouterBuilder>? compose = null, CancellationToken cancellationToken = default) =>
        ClusterNode.StartAsync(options, Composition(compose), cancellationToken);

    private static void Standard(AgentRouterBuilder builder, Action<AgentRouterBuilder>? compose)
    {
        builder.AddStandardBackends();
        compose?.Invoke(builder);
    }
}
