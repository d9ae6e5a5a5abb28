using Akka.Actor;
using static AgentRouter.Cluster.Discovery.DiscoveryProtocol;

namespace AgentRouter.Cluster.Discovery;

/// <summary>Runs at a well-known path on every <c>models</c> node and tells any router which agents live here.
/// The list is fixed for the node's lifetime: heavy model actors are never moved between nodes.</summary>
public sealed class AgentRegistryActor : ReceiveActor
{
    public const string Name = "agent-registry";

    public AgentRegistryActor(IReadOnlyList<AgentAdvertisement> agents)
    {
        var advertised = new AgentsAdvertised(agents);
        Receive<ListAgents>(_ => Sender.Tell(advertised));
    }

    public static Props Props(IReadOnlyList<AgentAdvertisement> agents) =>
        Akka.Actor.Props.Create(() => new AgentRegistryActor(agents));
}
