using Akka.Actor;
using AgentRouter.Core.Domain;

namespace AgentRouter.Cluster.Discovery;

/// <summary>How a router node learns the agents a <c>models</c> node hosts.</summary>
public static class DiscoveryProtocol
{
    /// <summary>Sent to <see cref="AgentRegistryActor.Name"/> on a models node; answered with <see cref="AgentsAdvertised"/>.</summary>
    public sealed record ListAgents
    {
        public static readonly ListAgents Instance = new();
    }

    /// <param name="Capacity">The agent's max in flight (the router's load denominator).</param>
    public sealed record AgentAdvertisement(AgentProfile Profile, int Capacity, IActorRef Actor);

    public sealed record AgentsAdvertised(IReadOnlyList<AgentAdvertisement> Agents);
}
