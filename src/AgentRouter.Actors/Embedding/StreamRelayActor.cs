using System.Threading.Channels;
using Akka.Actor;
using AgentRouter.Actors.Protocol;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors;

/// <summary>One per streamed query: turns the router's progress messages into <see cref="RouterEvent"/>s on a
/// channel, completes it after the terminal outcome, and stops.</summary>
internal sealed class StreamRelayActor : ReceiveActor
{
    public StreamRelayActor(ChannelWriter<RouterEvent> writer)
    {
        Receive<QueryDecided>(m => writer.TryWrite(new RouterEvent.Decided(m.QueryId, m.Decision)));
        Receive<TokenProduced>(m => writer.TryWrite(new RouterEvent.Token(m.QueryId, m.Agent, m.Token)));
        Receive<AgentAnswered>(m => writer.TryWrite(new RouterEvent.AgentAnswered(m.QueryId, m.Analysis)));
        Receive<QueryOutcome>(m =>
        {
            writer.TryWrite(new RouterEvent.Finished(m.QueryId, m));
            writer.TryComplete();
            Context.Stop(Self);
        });
    }

    public static Props Props(ChannelWriter<RouterEvent> writer) => Akka.Actor.Props.Create(() => new StreamRelayActor(writer));
}
