using Akka.Actor;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cli.Bench;

/// <summary>The messaging floor of a router: per query it tells three echo actors, collects their three replies
/// in a table keyed by query id and replies to the client — no policy, no merge, no deadlines, no feedback.
/// The router's cost over this is the price of routing itself.</summary>
internal sealed class BareFanOutActor : ReceiveActor
{
    private static readonly StandInAnswer Answer = new("bare fan-out", "none");

    public BareFanOutActor(IActorRef[] echoes)
    {
        var pending = new Dictionary<string, (IActorRef Client, int Remaining)>(StringComparer.Ordinal);
        Receive<RouteQuery>(route =>
        {
            var id = route.Query.Id;
            pending[id] = (Sender, echoes.Length);
            foreach (var echo in echoes)
            {
                echo.Tell(new Echo(id), Self);
            }
        });
        Receive<Echo>(echo =>
        {
            var (client, remaining) = pending[echo.QueryId];
            if (remaining == 1)
            {
                pending.Remove(echo.QueryId);
                client.Tell(Answer.For(echo.QueryId));
            }
            else
            {
                pending[echo.QueryId] = (client, remaining - 1);
            }
        });
    }

    public static IActorRef Start(ActorSystem system, int agents)
    {
        var echoes = Enumerable.Range(0, agents).Select(i => system.ActorOf(Props.Create(() => new EchoAgent()), $"bare-echo-{i}")).ToArray();
        return system.ActorOf(Props.Create(() => new BareFanOutActor(echoes)), "bare-fan-out");
    }

    private sealed record Echo(string QueryId);

    private sealed class EchoAgent : ReceiveActor
    {
        public EchoAgent() => Receive<Echo>(echo => Sender.Tell(echo));
    }
}
