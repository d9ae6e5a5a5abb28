using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

public sealed class RouterActorSpec(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void Dispatches_to_the_panel_merges_and_replies_with_every_analysis_and_the_evidence()
    {
        var agents = new[]
        {
            Agent("a1", new ScriptedBackend(new Step.Answer("A"))),
            Agent("a2", new ScriptedBackend(new Step.Answer("B"))),
            Agent("a3", new ScriptedBackend(new Step.Answer("B"))),
        };
        var router = Router(agents);
        var observer = CreateTestProbe();
        router.Tell(new RouteQuery(Q("q1"), Observer: observer.Ref), TestActor);

        var answered = ExpectMsg<QueryAnswered>();
        Assert.Equal("B", answered.Answer.Choice);
        Assert.Equal(["a1", "a2", "a3"], answered.Analyses.Select(a => a.Agent));
        Assert.Equal(["a1", "a2", "a3"], answered.Decision.Panel);
        Assert.Equal(3, answered.Decision.Scores.Count);
        Assert.Equal("test", answered.Router);
        Assert.False(answered.MergeFellBack);
        Assert.Equal("q1", observer.ExpectMsg<QueryDecided>().QueryId);
        Assert.Equal(3, new[] { observer.ExpectMsg<AgentAnswered>(), observer.ExpectMsg<AgentAnswered>(), observer.ExpectMsg<AgentAnswered>() }.Length);
        Assert.Equal(1, ExpectNoFurtherReplyFrom(router).Answered);
    }

    [Fact]
    public void Policies_see_each_agents_current_load()
    {
        var busy = new TaskCompletionSource<AgentAnalysis>();
        var agents = new[]
        {
            Agent("slow", new ScriptedBackend((q, _) => q.Id == "first" ? new Step.Manual(busy) : new Step.Answer("A"), capacity: 2)),
            Agent("idle", new ScriptedBackend(new Step.Answer("A"), capacity: 2)),
        };
        var policy = new OrderedPolicy();
        var router = Router(agents, policy, Settings(panel: 1));
        router.Tell(new RouteQuery(Q("first")), TestActor);
        AwaitCondition(() => agents[0].Vitals.InFlight == 1);
        router.Tell(new RouteQuery(Q("second")), TestActor);
        ExpectMsg<QueryAnswered>(a => a.QueryId == "second");

        var offered = policy.Offered.ToArray();
        Assert.Equal(0.0, offered[0].Single(c => c.Name == "slow").Load);
        Assert.Equal(0.5, offered[1].Single(c => c.Name == "slow").Load);
        Assert.Equal(0.0, offered[1].Single(c => c.Name == "idle").Load);
        busy.SetResult(new AgentAnalysis("slow", "A", "A"));
        ExpectMsg<QueryAnswered>(a => a.QueryId == "first");
    }

    [Fact]
    public void An_agent_past_its_deadline_times_out_is_cancelled_and_the_others_still_answer()
    {
        var hanging = new ScriptedBackend(new Step.Hang());
        var agents = new[]
        {
            Agent("a1", new ScriptedBackend(new Step.Answer("C"))),
            Agent("a2", hanging),
            Agent("a3", new ScriptedBackend(new Step.Answer("C"))),
        };
        var policy = new OrderedPolicy();
        var router = Router(agents, policy, Settings(3, agentDeadline: TimeSpan.FromMilliseconds(150)));
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        AwaitCondition(() => hanging.Calls == 1); // dispatched: the agent deadline runs from now

        Clock.Advance(TimeSpan.FromMilliseconds(149));
        router.Tell(GetRouterStats.Instance, TestActor);
        Assert.Equal(1, ExpectMsg<RouterStats>().InFlight); // every tick so far fell before the deadline
        Clock.Advance(TimeSpan.FromMilliseconds(1));

        var answered = ExpectMsg<QueryAnswered>();
        Assert.Equal("C", answered.Answer.Choice);
        Assert.Equal(OutcomeStatus.TimedOut, answered.Analyses[1].Status);
        Assert.Equal(150, answered.Analyses[1].LatencyMs);
        AwaitCondition(() => hanging.Cancellations == 1);
        Assert.Contains(policy.Observed, o => o.Outcome.Agent == "a2" && o.Outcome.Status == OutcomeStatus.TimedOut);
    }

    [Fact]
    public void A_crashed_agent_is_replaced_by_the_next_ranked_one()
    {
        var crashing = new ScriptedBackend(new Step.Crash());
        var backup = new ScriptedBackend(new Step.Answer("D"));
        var agents = new[] { Agent("first", crashing), Agent("second", backup) };
        var router = Router(agents, settings: Settings(panel: 1));
        router.Tell(new RouteQuery(Q("q1")), TestActor);

        var answered = ExpectMsg<QueryAnswered>();
        Assert.Equal("D", answered.Answer.Choice);
        Assert.Equal(1, answered.Retries);
        Assert.Equal("second", answered.Analyses.Single().Agent);
        Assert.Equal(["first"], answered.Decision.Panel);
        Assert.Equal(1, agents[0].Vitals.Restarts);
    }

    [Fact]
    public void When_retries_run_out_the_query_ends_with_a_typed_error()
    {
        var agents = new[]
        {
            Agent("a1", new ScriptedBackend(new Step.Crash())),
            Agent("a2", new ScriptedBackend(new Step.Fail("model overloaded"))),
            Agent("a3", new ScriptedBackend(new Step.Answer("A"))),
        };
        var router = Router(agents, settings: Settings(panel: 1, maxRetries: 1));
        router.Tell(new RouteQuery(Q("q1")), TestActor);

        var failed = ExpectMsg<QueryFailed>();
        Assert.Equal(QueryFailureReason.AllAgentsFailed, failed.Reason);
        Assert.Contains("model overloaded", failed.Message);
        Assert.Equal(1, ExpectNoFurtherReplyFrom(router).Failed);
    }

    [Fact]
    public void Caller_cancellation_ends_the_query_once_and_reaches_the_agents()
    {
        var hanging1 = new ScriptedBackend(new Step.Hang());
        var hanging2 = new ScriptedBackend(new Step.Hang());
        var router = Router([Agent("a1", hanging1), Agent("a2", hanging2)]);
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        AwaitCondition(() => hanging1.Calls == 1 && hanging2.Calls == 1);
        router.Tell(new CancelQuery("q1"), TestActor);

        Assert.Equal(QueryFailureReason.Cancelled, ExpectMsg<QueryFailed>().Reason);
        AwaitCondition(() => hanging1.Cancellations == 1 && hanging2.Cancellations == 1);
        router.Tell(new CancelQuery("q1"), TestActor); // already ended: ignored
        ExpectNoFurtherReplyFrom(router);
    }

    [Fact]
    public void Rejects_duplicate_ids_unknown_merge_strategies_and_empty_panels()
    {
        var router = Router([Agent("a1", new ScriptedBackend(new Step.Answer("A")))]);
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        ExpectMsg<QueryAnswered>();
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        Assert.Contains("already in flight or awaiting feedback", ExpectMsg<QueryFailed>(f => f.Reason == QueryFailureReason.Rejected).Message);
        router.Tell(new RouteQuery(Q("q2"), new RouteOptions(MergeStrategy: "no-such-merge")), TestActor);
        Assert.Contains("no-such-merge", ExpectMsg<QueryFailed>(f => f.Reason == QueryFailureReason.Rejected).Message);
        router.Tell(new RouteQuery(Q("q3"), new RouteOptions(PanelSize: 0)), TestActor);
        ExpectMsg<QueryFailed>(f => f.Reason == QueryFailureReason.Rejected);
    }

    [Fact]
    public void A_throwing_merge_strategy_is_a_typed_error_not_silence()
    {
        var router = Router([Agent("a1", new ScriptedBackend(new Step.Answer("A")))]);
        router.Tell(new RouteQuery(Q("q1"), new RouteOptions(MergeStrategy: "throwing")), TestActor);
        var failed = ExpectMsg<QueryFailed>();
        Assert.Equal(QueryFailureReason.MergeFailed, failed.Reason);
        Assert.Contains("merge defect", failed.Message);
    }

    [Fact]
    public void Several_routers_with_their_own_policies_share_the_same_agents()
    {
        var agents = new[] { Agent("a1", new ScriptedBackend(new Step.Answer("A"))), Agent("a2", new ScriptedBackend(new Step.Answer("B"))) };
        var first = new OrderedPolicy();
        var second = new OrderedPolicy();
        var r1 = Router(agents, first, Settings(1), name: "r1");
        var r2 = Router(agents, second, Settings(2), name: "r2");
        r1.Tell(new RouteQuery(Q("same-id")), TestActor);
        r2.Tell(new RouteQuery(Q("same-id")), TestActor);
        var replies = new[] { ExpectMsg<QueryAnswered>(), ExpectMsg<QueryAnswered>() };
        Assert.Equal([1, 2], replies.Select(r => r.Analyses.Count).Order());
        Assert.Single(first.Offered);
        Assert.Single(second.Offered);
    }
}
