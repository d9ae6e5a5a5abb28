using Akka.Actor;

namespace AgentRouter.Actors.Runtime;

/// <summary>Parent of the model-agent actors. A crashed agent is restarted (its own backoff then keeps it
/// out of service for a while); failures are not logged here because injected crashes can run at thousands
/// per second — the agents count them in their vitals and log at debug level.</summary>
public sealed class AgentSupervisorActor : ReceiveActor
{
    public AgentSupervisorActor(IReadOnlyList<(string Name, Props Props)> agents)
    {
        var children = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
        foreach (var (name, props) in agents)
        {
            children[name] = Context.ActorOf(props, Uri.EscapeDataString(name));
        }

        Receive<GetAgents>(_ => Sender.Tell(new Agents(children)));
    }

    public static Props Props(IReadOnlyList<(string Name, Props Props)> agents) =>
        Akka.Actor.Props.Create(() => new AgentSupervisorActor(agents));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(-1, -1, _ => Directive.Restart, loggingEnabled: false);

    public sealed record GetAgents
    {
        public static readonly GetAgents Instance = new();
    }

    public sealed record Agents(IReadOnlyDictionary<string, IActorRef> ByName);
}
