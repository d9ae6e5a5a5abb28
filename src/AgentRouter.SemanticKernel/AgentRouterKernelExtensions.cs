using AgentRouter.Actors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AgentRouter.SemanticKernel;

/// <summary>Registers the orchestrator as a Microsoft.Extensions.AI chat client and as a Semantic Kernel chat
/// completion service (through SK's own <see cref="ChatClientExtensions.AsChatCompletionService"/> bridge).
/// The container must also hold an <see cref="IAgentRouter"/> (<c>services.AddAgentRouter(...)</c>).</summary>
public static class AgentRouterKernelExtensions
{
    /// <summary>Adds <see cref="IChatClient"/> routed through <paramref name="router"/> (null: the default router).</summary>
    public static IServiceCollection AddAgentRouterChatClient(this IServiceCollection services, string? router = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IChatClient>(provider => new AgentRouterChatClient(provider.GetRequiredService<IAgentRouter>(), router));
        return services;
    }

    /// <summary>Adds the orchestrator as the kernel's <see cref="IChatCompletionService"/>.</summary>
    public static IKernelBuilder AddAgentRouterChatCompletion(this IKernelBuilder builder, IAgentRouter agentRouter, string? router = null, string? serviceId = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(agentRouter);
        var service = new AgentRouterChatClient(agentRouter, router).AsChatCompletionService();
        if (serviceId is null)
        {
            builder.Services.AddSingleton(service);
        }
        else
        {
            builder.Services.AddKeyedSingleton(serviceId, service);
        }

        return builder;
    }
}
