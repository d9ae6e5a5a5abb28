using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using Microsoft.Extensions.DependencyInjection;

namespace AgentRouter.Actors;

/// <summary>What the composition root registered, resolved: backend factories by kind, merge strategies, policies,
/// the query featurizer and the clock. <see cref="Runtime.AgentRouterRuntime"/>, the cluster node and the HTTP server
/// are started from one; <see cref="Create"/> builds one outside a host.</summary>
public sealed class AgentRouterComposition
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, Func<IMergeStrategy>> _merges = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<PolicySettings, IRoutingPolicy>> _policies = new(StringComparer.OrdinalIgnoreCase);

    public AgentRouterComposition(IServiceProvider services)
    {
        _services = services;
        BackendKinds = [.. services.GetServices<BackendKindRegistration>().Select(k => k.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        foreach (var merge in services.GetServices<MergeStrategyRegistration>())
        {
            _merges[merge.Name] = merge.Factory;
        }

        foreach (var policy in services.GetServices<PolicyRegistration>())
        {
            _policies[policy.Name] = policy.Factory;
        }

        Featurize = services.GetService<QueryFeaturizerRegistration>()?.Featurize;
        Time = services.GetRequiredService<TimeProvider>();
    }

    /// <summary>The default composition: the built-in kinds and catalogs, no featurizer, the system clock.</summary>
    public static AgentRouterComposition Default { get; } = Create();

    /// <summary>Registered backend kinds, lower case, sorted.</summary>
    public IReadOnlyList<string> BackendKinds { get; }

    /// <summary>Computes query features once per query; null for none.</summary>
    public Func<Query, float[]?>? Featurize { get; }

    public TimeProvider Time { get; }

    /// <summary>A composition outside a host: <c>AddAgentRouter()</c> on a fresh service collection, then
    /// <paramref name="compose"/>.</summary>
    public static AgentRouterComposition Create(Action<AgentRouterBuilder>? compose = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentRouter();
        compose?.Invoke(builder);
        return services.BuildServiceProvider().GetRequiredService<AgentRouterComposition>();
    }

    public bool TryGetBackendFactory(string kind, out BackendFactory factory)
    {
        ArgumentNullException.ThrowIfNull(kind);
        factory = _services.GetKeyedService<BackendFactory>(AgentRouterBuilder.BackendKindKey(kind))!;
        return factory is not null;
    }

    /// <exception cref="ArgumentException">The name is neither registered nor a built-in merge strategy.</exception>
    public IMergeStrategy CreateMerge(string name) =>
        _merges.TryGetValue(name, out var factory) ? factory() : MergeCatalog.Create(name);

    public bool IsKnownMerge(string name) => _merges.ContainsKey(name) || MergeCatalog.IsKnown(name);

    public bool IsKnownPolicy(string name) => _policies.ContainsKey(name) || PolicyCatalog.IsKnown(name);

    public IReadOnlyList<string> PolicyNames => [.. _policies.Keys.Concat(PolicyCatalog.Names).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];

    /// <exception cref="ArgumentException">The name is neither registered nor a built-in policy.</exception>
    public IRoutingPolicy CreatePolicy(string name, PolicySettings settings) =>
        _policies.TryGetValue(name, out var factory) ? factory(settings) : PolicyCatalog.Create(name, settings);
}
