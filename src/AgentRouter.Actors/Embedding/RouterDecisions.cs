using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.DecisionProtocol;

namespace AgentRouter.Actors;

/// <summary>The routing decision alone, without generation.</summary>
public static class RouterDecisions
{
    /// <exception cref="ArgumentException">Unknown router.</exception>
    /// <exception cref="QueryFailedException">The router could not decide (no agents, policy failure).</exception>
    public static async Task<RoutingDecision> DecideAsync(this AgentRouterRuntime runtime, Query query, string? router = null, int? panelSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return await runtime.Routers.DecideAsync(query, router ?? runtime.DefaultRouter, panelSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The decision of one of these router actors (a runtime's or a cluster router node's).</summary>
    /// <exception cref="ArgumentException">Unknown router.</exception>
    /// <exception cref="QueryFailedException">The router could not decide (no agents, policy failure).</exception>
    public static async Task<RoutingDecision> DecideAsync(this IReadOnlyDictionary<string, IActorRef> routers, Query query, string router, int? panelSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routers);
        ArgumentNullException.ThrowIfNull(query);
        if (!routers.TryGetValue(router, out var actor))
        {
            throw new ArgumentException($"Unknown router '{router}'. Routers: {string.Join(", ", routers.Keys.Order())}.", nameof(router));
        }

        var reply = await actor.Ask<object>(new DecideOnly(query, panelSize), TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            DecisionMade made => made.Decision,
            DecisionRefused refused => throw new QueryFailedException(new QueryFailed(refused.QueryId, router, refused.Reason, refused.Message, [])),
            _ => throw new InvalidOperationException($"unexpected router reply {reply.GetType().Name}"),
        };
    }
}
