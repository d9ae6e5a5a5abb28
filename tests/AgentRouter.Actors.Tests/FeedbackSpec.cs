using AgentRouter.Actors.Feedback;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Domain;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.FeedbackProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

public sealed class FeedbackSpec(ITestOutputHelper output) : ActorSpec(output)
{
    private (Akka.Actor.IActorRef Router, OrderedPolicy Policy) AnsweredRouter(RouterSettings? settings = null)
    {
        var agents = new[]
        {
            Agent("a1", new ScriptedBackend(new Step.Answer("A"))),
            Agent("a2", new ScriptedBackend(new Step.Answer("B"))),
            Agent("a3", new ScriptedBackend(new Step.Answer("B"))),
        };
        var policy = new OrderedPolicy();
        var router = Router(agents, policy, settings ?? Settings(3));
        return (router, policy);
    }

    [Fact]
    public void Delayed_feedback_becomes_per_agent_rewards_delivered_once_to_the_serving_policy()
    {
        var (router, policy) = AnsweredRouter();
        var coordinator = Sys.ActorOf(FeedbackCoordinatorActor.Props([router], TimeSpan.FromSeconds(3)));
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        Assert.Equal("B", ExpectMsg<QueryAnswered>().Answer.Choice);
        Assert.Empty(policy.Observed); // nothing is learned before feedback arrives

        coordinator.Tell(new SubmitFeedback("q1", new FeedbackSignal.CorrectChoice("A")), TestActor);
        var accepted = ExpectMsg<FeedbackAccepted>();
        Assert.Equal(new Dictionary<string, double> { ["a1"] = 1, ["a2"] = 0, ["a3"] = 0 }, accepted.Rewards);
        Assert.Equal([("a1", 1.0), ("a2", 0.0), ("a3", 0.0)], policy.Observed.Select(o => (o.Outcome.Agent, o.Outcome.Quality)));
        Assert.All(policy.Observed, o => Assert.Equal(0.01, o.Outcome.Cost));

        coordinator.Tell(new SubmitFeedback("q1", new FeedbackSignal.CorrectChoice("B")), TestActor);
        Assert.Equal(FeedbackRejection.Duplicate, ExpectMsg<FeedbackRejected>().Reason);
        Assert.Equal(3, policy.Observed.Count);
        router.Tell(GetRouterStats.Instance, TestActor);
        Assert.Equal(0, ExpectMsg<RouterStats>().PendingFeedback);
    }

    [Fact]
    public void Answer_correctness_rewards_the_members_that_agreed_with_the_merged_answer()
    {
        var (router, _) = AnsweredRouter();
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        ExpectMsg<QueryAnswered>();
        router.Tell(new SubmitFeedback("q1", new FeedbackSignal.AnswerCorrectness(true)), TestActor);
        Assert.Equal(new Dictionary<string, double> { ["a1"] = 0, ["a2"] = 1, ["a3"] = 1 }, ExpectMsg<FeedbackAccepted>().Rewards);

        router.Tell(new RouteQuery(Q("q2")), TestActor);
        ExpectMsg<QueryAnswered>();
        router.Tell(new SubmitFeedback("q2", new FeedbackSignal.AnswerCorrectness(false)), TestActor);
        Assert.Equal(new Dictionary<string, double> { ["a2"] = 0, ["a3"] = 0 }, ExpectMsg<FeedbackAccepted>().Rewards);
    }

    [Fact]
    public void Unknown_and_invalid_feedback_are_rejected_with_their_reason()
    {
        var (router, policy) = AnsweredRouter();
        var coordinator = Sys.ActorOf(FeedbackCoordinatorActor.Props([router], TimeSpan.FromSeconds(3)));
        coordinator.Tell(new SubmitFeedback("never-seen", new FeedbackSignal.AnswerReward(1)), TestActor);
        var unknown = ExpectMsg<FeedbackRejected>();
        Assert.Equal(FeedbackRejection.UnknownQuery, unknown.Reason);
        Assert.Contains("never-seen", unknown.Message);

        router.Tell(new RouteQuery(Q("q1")), TestActor);
        ExpectMsg<QueryAnswered>();
        coordinator.Tell(new SubmitFeedback("q1", new FeedbackSignal.AnswerReward(1.5)), TestActor);
        Assert.Equal(FeedbackRejection.Invalid, ExpectMsg<FeedbackRejected>().Reason);
        coordinator.Tell(new SubmitFeedback("q1", new FeedbackSignal.PerAgentRewards(new Dictionary<string, double> { ["stranger"] = 1 })), TestActor);
        Assert.Contains("stranger", ExpectMsg<FeedbackRejected>(r => r.Reason == FeedbackRejection.Invalid).Message);
        Assert.Empty(policy.Observed);

        // An invalid signal does not use up the query's feedback.
        coordinator.Tell(new SubmitFeedback("q1", new FeedbackSignal.PerAgentRewards(new Dictionary<string, double> { ["a3"] = 0.25 })), TestActor);
        Assert.Equal(0.25, ExpectMsg<FeedbackAccepted>().Rewards["a3"]);
    }

    [Fact]
    public void Feedback_after_the_time_to_live_is_rejected_as_expired_and_the_entry_is_gone()
    {
        var (router, policy) = AnsweredRouter(Settings(3) with { FeedbackTimeToLive = TimeSpan.FromMilliseconds(100) });
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        ExpectMsg<QueryAnswered>();
        Clock.Advance(TimeSpan.FromMilliseconds(99));
        router.Tell(GetRouterStats.Instance, TestActor);
        Assert.Equal(1, ExpectMsg<RouterStats>().PendingFeedback);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        router.Tell(GetRouterStats.Instance, TestActor);
        Assert.Equal(0, ExpectMsg<RouterStats>().PendingFeedback);
        router.Tell(new SubmitFeedback("q1", new FeedbackSignal.CorrectChoice("A")), TestActor);
        Assert.Equal(FeedbackRejection.Expired, ExpectMsg<FeedbackRejected>().Reason);
        Assert.Empty(policy.Observed);
    }

    [Fact]
    public void The_pending_table_is_bounded_and_evicts_the_oldest_as_expired()
    {
        var (router, _) = AnsweredRouter(Settings(3) with { PendingFeedbackCapacity = 2 });
        foreach (var id in new[] { "q1", "q2", "q3" })
        {
            router.Tell(new RouteQuery(Q(id)), TestActor);
            ExpectMsg<QueryAnswered>();
        }

        router.Tell(GetRouterStats.Instance, TestActor);
        Assert.Equal(2, ExpectMsg<RouterStats>().PendingFeedback);
        router.Tell(new SubmitFeedback("q1", new FeedbackSignal.CorrectChoice("A")), TestActor);
        Assert.Equal(FeedbackRejection.Expired, ExpectMsg<FeedbackRejected>().Reason);
        router.Tell(new SubmitFeedback("q3", new FeedbackSignal.CorrectChoice("A")), TestActor);
        ExpectMsg<FeedbackAccepted>();
    }

    [Fact]
    public void Failed_agents_are_observed_as_failures_when_they_fail_not_rewarded_later()
    {
        var agents = new[] { Agent("ok", new ScriptedBackend(new Step.Answer("A"))), Agent("bad", new ScriptedBackend(new Step.Fail())) };
        var policy = new OrderedPolicy();
        var router = Router(agents, policy, Settings(2, maxRetries: 0));
        router.Tell(new RouteQuery(Q("q1")), TestActor);
        ExpectMsg<QueryAnswered>();
        Assert.Equal([("bad", OutcomeStatus.Failed)], policy.Observed.Select(o => (o.Outcome.Agent, o.Outcome.Status)));
        router.Tell(new SubmitFeedback("q1", new FeedbackSignal.CorrectChoice("A")), TestActor);
        Assert.Equal(new Dictionary<string, double> { ["ok"] = 1 }, ExpectMsg<FeedbackAccepted>().Rewards);
    }

    [Fact]
    public void A_panel_wider_than_the_inline_layouts_is_answered_and_credited_per_member()
    {
        // Five members: past the four slots an in-flight query and a ledger entry hold inline.
        var agents = Enumerable.Range(1, 5).Select(i => Agent($"w{i}", new ScriptedBackend(new Step.Answer(i <= 3 ? "C" : "D")))).ToArray();
        var policy = new OrderedPolicy();
        var router = Router(agents, policy, Settings(5));
        router.Tell(new RouteQuery(Q("wide")), TestActor);
        var answered = ExpectMsg<QueryAnswered>();
        Assert.Equal("C", answered.Answer.Choice);
        Assert.Equal(["w1", "w2", "w3", "w4", "w5"], answered.Analyses.Select(a => a.Agent));

        router.Tell(new SubmitFeedback("wide", new FeedbackSignal.CorrectChoice("D")), TestActor);
        Assert.Equal(new Dictionary<string, double> { ["w1"] = 0, ["w2"] = 0, ["w3"] = 0, ["w4"] = 1, ["w5"] = 1 }, ExpectMsg<FeedbackAccepted>().Rewards);
        Assert.Equal(5, policy.Observed.Count);
        router.Tell(new SubmitFeedback("wide", new FeedbackSignal.CorrectChoice("D")), TestActor);
        Assert.Equal(FeedbackRejection.Duplicate, ExpectMsg<FeedbackRejected>().Reason);
    }
}
