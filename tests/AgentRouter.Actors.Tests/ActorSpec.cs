using AgentRouter.Core.Backends;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

/// <summary>Shared set-up for the actor specs: agents and routers on the TestKit's actor system, all on one fake
/// <see cref="Clock"/>. Nothing times out, backs off or expires until a test advances it, so deadline tests wait for
/// no real time and do not depend on how fast a loaded machine runs the actors.</summary>
public abstract class ActorSpec(ITestOutputHelper output) : TestKit(Config, output)
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        """;

    protected static readonly string[] Abcd = ["A", "B", "C", "D"];

    /// <summary>The clock of every agent and router made here.</summary>
    protected FakeTimeProvider Clock { get; } = new();

    internal static Query Q(string id) => new(id, $"question {id}", Options: Abcd);

    internal AgentHandle Agent(string name, IModelBackend backend, AgentSettings? settings = null, double expectedLatencyMs = 100)
    {
        var vitals = new AgentVitals(name, backend.Capacity);
        var actor = Sys.ActorOf(ModelAgentActor.Props(name, backend, settings ?? new AgentSettings(Backoff: RestartBackoff.None), vitals, Clock), name);
        return new AgentHandle(AgentProfile.Simple(name, latencyMs: expectedLatencyMs), actor, vitals);
    }

    internal IActorRef Router(
        IReadOnlyList<AgentHandle> agents, IRoutingPolicy? policy = null, RouterSettings? settings = null, IActorRef? mergeAgent = null, string name = "router") =>
        Sys.ActorOf(
            RouterActor.Props(
                settings ?? Settings(agents.Count),
                new RouterDependencies(policy ?? new OrderedPolicy(), agents, TestMajorityMerge.Resolve, mergeAgent, Time: Clock)),
            name);

    internal static RouterSettings Settings(int panel, TimeSpan? agentDeadline = null, int maxRetries = 2) =>
        new("test", PanelSize: panel, AgentDeadline: agentDeadline ?? TimeSpan.FromSeconds(10), MaxRetries: maxRetries, TickInterval: TimeSpan.FromMilliseconds(5));

    /// <summary>Proves that <paramref name="router"/> has sent the test actor nothing more: messages between two actors
    /// arrive in the order they were sent, so when the stats reply is the next message, no other reply was sent before
    /// it. With nothing left in flight, none can follow. Returns the stats.</summary>
    internal RouterStats ExpectNoFurtherReplyFrom(IActorRef router)
    {
        router.Tell(GetRouterStats.Instance, TestActor);
        var stats = ExpectMsg<RouterStats>();
        Assert.Equal(0, stats.InFlight);
        return stats;
    }

    /// <summary>The agent-side counterpart of <see cref="ExpectNoFurtherReplyFrom"/>: the status reply is the next
    /// message, and the agent holds no request that could still answer.</summary>
    internal AgentStatus ExpectNoFurtherReplyFromAgent(IActorRef agent)
    {
        agent.Tell(GetAgentStatus.Instance, TestActor);
        var status = ExpectMsg<AgentStatus>();
        Assert.Equal((0, 0), (status.InFlight, status.Queued));
        return status;
    }
}
