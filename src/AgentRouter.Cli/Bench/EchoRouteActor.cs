using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cli.Bench;

/// <summary>Answers every routed query at once with a fixed answer: the paced generator driven against it measures
/// the generator's own cost (pacing thread, one actor hop, the reply, the recorder) at the router's paced rate, a
/// reference for how much of the routed run's CPU and latency is the harness rather than the router.</summary>
internal sealed class EchoRouteActor : ReceiveActor
{
    private static readonly MergeResult Fixed = new("A", null, "", null, new Dictionary<string, double>(), "echo");
    private static readonly RoutingDecision NoDecision = new("", "echo", [], [], "echo");
    private static readonly AgentAnalysis[] NoAnalyses = [];

    public EchoRouteActor() =>
        Receive<RouteQuery>(route => Sender.Tell(new QueryAnswered(route.Query.Id, "echo", Fixed, NoAnalyses, NoDecision, 0, false)));

    public static IActorRef Start(ActorSystem system) => system.ActorOf(Props.Create(() => new EchoRouteActor()), "paced-echo");
}
