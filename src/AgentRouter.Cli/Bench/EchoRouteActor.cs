using Akka.Actor;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cli.Bench;

/// <summary>Answers every routed query at once with a fixed answer: the paced generator driven against it measures
/// the generator's own cost (pacing thread, one actor hop, the reply, the recorder) at the router's paced rate, a
/// reference for how much of the routed run's CPU and latency is the harness rather than the router.</summary>
internal sealed class EchoRouteActor : ReceiveActor
{
    private static readonly StandInAnswer Answer = new("echo", "A");

    public EchoRouteActor() =>
        Receive<RouteQuery>(route => Sender.Tell(Answer.For(route.Query.Id)));

    public static IActorRef Start(ActorSystem system) => system.ActorOf(Props.Create(() => new EchoRouteActor()), "paced-echo");
}
