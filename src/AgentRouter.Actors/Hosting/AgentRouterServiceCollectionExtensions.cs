using AgentRouter.Actors.Hosting;
using AgentRouter.Actors.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AgentRouter.Actors;

public static class AgentRouterServiceCollectionExtensions
{
    /// <summary>The composition root: registers the built-in backend kinds (<c>simulated</c>), merge strategies,
    /// policies and the system clock, and returns the builder on which other kinds (<c>remote</c>, <c>local</c>,
    /// yours) are added. Idempotent. Entry points resolve <see cref="AgentRouterComposition"/> from it.</summary>
    public static AgentRouterBuilder AddAgentRouter(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AgentRouterBuilder.AddDefaults(services);
        return new AgentRouterBuilder(services);
    }

    /// <summary>The composition root, plus the in-process actor runtime run inside the host and the
    /// <see cref="IAgentRouter"/> over it. Manifests are loaded and checked when the host starts; the host fails to
    /// start on any error.</summary>
    public static AgentRouterBuilder AddAgentRouter(this IServiceCollection services, Action<AgentRouterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddAgentRouter();
        var options = new AgentRouterOptions();
        configure(options);
        services.AddSingleton(options);
        services.AddSingleton<AgentRouterHostedService>();
        services.AddHostedService(provider => provider.GetRequiredService<AgentRouterHostedService>());
        services.AddSingleton<IAgentRouter>(provider => provider.GetRequiredService<AgentRouterHostedService>());
        return builder;
    }
}
