using AgentRouter.Actors.Backends;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentRouter.Actors;

/// <summary>The composition root's builder, returned by <c>services.AddAgentRouter()</c> (in the style of
/// <c>AddChatClient</c>): registers how agents of each backend kind are built (keyed <see cref="BackendFactory"/>
/// services), extra merge strategies and policies, the query featurizer and the clock. The in-process runtime, a
/// cluster node and the HTTP server all resolve <see cref="AgentRouterComposition"/> from the same registrations,
/// so a kind registered once is available to every entry point.</summary>
public sealed class AgentRouterBuilder
{
    internal AgentRouterBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    /// <summary>Registers (or replaces) the factory of backend kind <paramref name="kind"/>: manifests with
    /// <c>"backend": "&lt;kind&gt;"</c> start with it. Kinds compare case-insensitively.</summary>
    public AgentRouterBuilder AddBackend(string kind, BackendFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return AddBackend(kind, _ => factory);
    }

    /// <summary>Registers (or replaces) a backend kind whose factory needs services from the container.</summary>
    public AgentRouterBuilder AddBackend(string kind, Func<IServiceProvider, BackendFactory> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(factory);
        var key = BackendKindKey(kind);
        Services.AddKeyedSingleton<BackendFactory>(key, (provider, _) => factory(provider));
        Services.AddSingleton(new BackendKindRegistration(key));
        return this;
    }

    /// <summary>Adds (or overrides) a pure merge strategy by name; the built-in ones stay available.</summary>
    public AgentRouterBuilder AddMergeStrategy(string name, Func<IMergeStrategy> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new MergeStrategyRegistration(name, factory));
        return this;
    }

    /// <summary>Adds (or overrides) a routing policy by name, for routers that name it.</summary>
    public AgentRouterBuilder AddPolicy(string name, Func<PolicySettings, IRoutingPolicy> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new PolicyRegistration(name, factory));
        return this;
    }

    /// <summary>Features every query once, on the router (contextual policies such as LinUCB need them).</summary>
    public AgentRouterBuilder UseFeaturizer(IQueryFeaturizer featurizer)
    {
        ArgumentNullException.ThrowIfNull(featurizer);
        return UseFeaturizer(query => featurizer.Featurize(query.Text));
    }

    /// <summary>Features every query once, on the router, from the whole query (task type included).</summary>
    public AgentRouterBuilder UseFeaturizer(Func<Query, float[]?> featurize)
    {
        ArgumentNullException.ThrowIfNull(featurize);
        Services.Replace(ServiceDescriptor.Singleton(new QueryFeaturizerRegistration(featurize)));
        return this;
    }

    /// <summary>The clock of routers, ledgers and agent backoff (a fake one in tests).</summary>
    public AgentRouterBuilder UseTimeProvider(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Services.Replace(ServiceDescriptor.Singleton(time));
        return this;
    }

    internal static string BackendKindKey(string kind) => kind.Trim().ToLowerInvariant();

    internal static void AddDefaults(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(AgentRouterComposition)))
        {
            return;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AgentRouterComposition>();
        new AgentRouterBuilder(services).AddBackend(SimulatedBackendSettings.Kind, SimulatedBackendSettings.Factory);
    }
}

internal sealed record BackendKindRegistration(string Kind);

internal sealed record MergeStrategyRegistration(string Name, Func<IMergeStrategy> Factory);

internal sealed record PolicyRegistration(string Name, Func<PolicySettings, IRoutingPolicy> Factory);

internal sealed record QueryFeaturizerRegistration(Func<Query, float[]?> Featurize);
