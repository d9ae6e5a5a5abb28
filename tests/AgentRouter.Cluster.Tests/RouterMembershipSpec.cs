using Akka.Actor;
using Akka.TestKit.Xunit2;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using static AgentRouter.Actors.Protocol.AgentProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cluster.Tests;

/// <summary>The router's side of membership, with probes standing in for agents on other nodes.</summary>
public sealed class RouterMembershipSpec : TestKit
{
    private static AgentHandle Handle(string name, IActorRef actor) => new(AgentProfile.Simple(name), actor, new AgentVitals(name, 16));

    private IActorRef StartRouter(int panel = 1) =>
        Sys.ActorOf(RouterActor.Props(
            new RouterSettings("r", PanelSize: panel, MaxRetries: 2, AgentDeadline: TimeSpan.FromSeconds(30)),
            new RouterDependencies(PolicyCatalog.Create("round-robin", new PolicySettings()), [], MergeCatalog.Create)));

    [Fact]
    public void A_router_without_agents_rejects_and_starts_routing_once_agents_join()
    {
        var router = StartRouter();
        router.Tell(new RouteQuery(new Query("q0", "?")), TestActor);
        Assert.Equal(QueryFailureReason.NoAgents, ExpectMsg<QueryFailed>().Reason);

        var agent = CreateTestProbe();
        router.Tell(new AgentSetChanged([Handle("x", agent.Ref)], "x joined"));
        router.Tell(new RouteQuery(new Query("q1", "?", Options: ["A", "B"])), TestActor);
        var request = agent.ExpectMsg<Analyze>();
        agent.Reply(new AnalysisCompleted("q1", request.Slot, request.Attempt, new AgentAnalysis("x", "A", "A")));
        Assert.Equal("A", ExpectMsg<QueryAnswered>().Answer.Choice);
    }

    [Fact]
    public void In_flight_work_on_a_departed_agent_is_retried_on_the_next_agent_and_answered_once()
    {
        var router = StartRouter();
        var onDeadNode = CreateTestProbe();
        var survivor = CreateTestProbe();
        router.Tell(new AgentSetChanged([Handle("dead", onDeadNode.Ref), Handle("alive", survivor.Ref)], "both up"));

        // Round-robin sends the first query to "dead"; its node then goes away before it answers.
        router.Tell(new RouteQuery(new Query("q1", "?", Options: ["A", "B"])), TestActor);
        var lost = onDeadNode.ExpectMsg<Analyze>();
        router.Tell(new AgentSetChanged([Handle("alive", survivor.Ref)], "node of 'dead' unreachable"));

        var retried = survivor.ExpectMsg<Analyze>();
        Assert.Equal(lost.Slot, retried.Slot);
        Assert.Equal(lost.Attempt + 1, retried.Attempt);
        survivor.Reply(new AnalysisCompleted("q1", retried.Slot, retried.Attempt, new AgentAnalysis("alive", "B", "B")));
        var answered = ExpectMsg<QueryAnswered>();
        Assert.Equal(1, answered.Retries);
        Assert.Equal("alive", answered.Analyses.Single().Agent);

        // The departed agent's late answer changes nothing, and no new work goes to it.
        router.Tell(new AnalysisCompleted("q1", lost.Slot, lost.Attempt, new AgentAnalysis("dead", "A", "A")), onDeadNode.Ref);
        Assert.Equal(0, Barrier(router).InFlight);
        router.Tell(new RouteQuery(new Query("q2", "?")), TestActor);
        survivor.ExpectMsg<Analyze>();
        Barrier(router);
        Assert.False(onDeadNode.HasMessages);
    }

    [Fact]
    public void A_departed_agent_with_no_alternative_ends_its_query_with_one_failure()
    {
        var router = StartRouter();
        var only = CreateTestProbe();
        router.Tell(new AgentSetChanged([Handle("only", only.Ref)], "up"));
        router.Tell(new RouteQuery(new Query("q1", "?")), TestActor);
        only.ExpectMsg<Analyze>();
        router.Tell(new AgentSetChanged([], "node gone"));
        var failed = ExpectMsg<QueryFailed>();
        Assert.Equal(QueryFailureReason.AllAgentsFailed, failed.Reason);
        Assert.Contains("went away", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, Barrier(router).InFlight);
    }

    [Fact]
    public void An_agent_that_returns_on_a_restarted_node_is_used_through_its_new_actor()
    {
        var router = StartRouter();
        var before = CreateTestProbe();
        var after = CreateTestProbe();
        router.Tell(new AgentSetChanged([Handle("x", before.Ref)], "up"));
        router.Tell(new AgentSetChanged([], "down"));
        router.Tell(new AgentSetChanged([Handle("x", after.Ref)], "restarted"));
        router.Tell(new RouteQuery(new Query("q1", "?")), TestActor);
        after.ExpectMsg<Analyze>();
        Barrier(router);
        Assert.False(before.HasMessages);
    }

    /// <summary>Returns once the router has handled every message sent to it so far, without waiting a fixed time:
    /// its stats reply must be the test actor's next message, so no reply it sent earlier is still unseen, and test
    /// probes enqueue on the sender's thread, so whatever it told a probe before is already there.</summary>
    private RouterStats Barrier(IActorRef router)
    {
        router.Tell(GetRouterStats.Instance, TestActor);
        return ExpectMsg<RouterStats>();
    }
}
