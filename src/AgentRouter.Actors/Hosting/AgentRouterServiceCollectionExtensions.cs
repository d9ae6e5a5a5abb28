using AgentRouter.Actors.Hosting;
using AgentRouter.Actors.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AgentRouter.Actors;

public static class AgentRouterServiceCollectionExtensions
{
    /// <summary>Runs the AgentRouter actor runtime inside the host and registers <see cref="IAgentRouter"/>.
    /// Manifests are loaded and checked when the host starts; the host fails to start on any error.</summary>
    public static IServiceCollection AddAgentRouter(this IServiceCollection services, Action<AgentRouterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AgentRouterOptions();
        configure(options);
        services.AddSingleton(options);
        services.AddSingleton<AgentRouterHostedService>();
        services.AddHostedService(provider => provider.GetRequiredService<AgentRouterHostedService>());
        services.AddSingleton<IAgentRouter>(provider => provider.GetRequiredService<AgentRouterHostedService>());
        return services;
    }
}
