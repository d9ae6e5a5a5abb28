using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Merging;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.AgentProtocol;

namespace AgentRouter.Actors.Tests;

public sealed class ModelAgentActorSpec(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void Answers_by_tell_with_the_request_correlation()
    {
        var agent = Agent("a1", new ScriptedBackend(new Step.Answer("C")));
        agent.Actor.Tell(new Analyze(Q("q1"), Slot: 2, Attempt: 1), TestActor);
        var completed = ExpectMsg<AnalysisCompleted>();
        Assert.Equal(("q1", 2, 1, "C", "a1"), (completed.QueryId, completed.Slot, completed.Attempt, completed.Analysis.Choice, completed.Analysis.Agent));
    }

    [Fact]
    public void Bounds_concurrency_queues_up_to_the_limit_and_refuses_beyond()
    {
        var first = new TaskCompletionSource<AgentAnalysis>();
        var backend = new ScriptedBackend((q, _) => q.Id == "q1" ? new Step.Manual(first) : new Step.Answer("B"), capacity: 1);
        var agent = Agent("a1", backend, new AgentSettings(QueueLimit: 1));
        agent.Actor.Tell(new Analyze(Q("q1"), 0, 0), TestActor);
        agent.Actor.Tell(new Analyze(Q("q2"), 0, 0), TestActor);
        agent.Actor.Tell(new Analyze(Q("q3"), 0, 0), TestActor);

        var refused = ExpectMsg<AnalysisFailed>();
        Assert.Equal(("q3", AgentFailureKind.Unavailable), (refused.QueryId, refused.Kind));
        Assert.Equal(1, backend.Calls); // q2 waits in the queue
        Assert.Equal(1.0, agent.Vitals.Load);
        agent.Actor.Tell(GetAgentStatus.Instance, TestActor);
        Assert.Equal((1, 1, 1, true), ExpectMsg<AgentStatus>() is var s ? (s.InFlight, s.Queued, s.Capacity, s.Available) : default);

        first.SetResult(new AgentAnalysis("a1", "A", "A"));
        Assert.Equal("q1", ExpectMsg<AnalysisCompleted>().QueryId);
        Assert.Equal("q2", ExpectMsg<AnalysisCompleted>().QueryId);
        AwaitAssert(() => Assert.Equal(0.0, agent.Vitals.Load));
    }

    [Fact]
    public void A_crash_restarts_the_agent_and_reports_every_request_it_held()
    {
        var held = new TaskCompletionSource<AgentAnalysis>();
        var backend = new ScriptedBackend((q, _) => q.Id switch
        {
            "held" => new Step.Manual(held),
            "boom" => new Step.Crash(),
            _ => new Step.Answer("D"),
        });
        var agent = Agent("a1", backend);
        agent.Actor.Tell(new Analyze(Q("held"), 0, 0), TestActor);
        agent.Actor.Tell(new Analyze(Q("boom"), 1, 0), TestActor);

        var failures = new[] { ExpectMsg<AnalysisFailed>(), ExpectMsg<AnalysisFailed>() };
        Assert.All(failures, f => Assert.Equal(AgentFailureKind.Crashed, f.Kind));
        Assert.Equal(["boom", "held"], failures.Select(f => f.QueryId).Order());
        Assert.Equal(1, agent.Vitals.Restarts);
        AwaitCondition(() => backend.Cancellations == 1); // the held request's work was cancelled

        // The restarted agent serves again, and the crashed request's late result is ignored.
        held.SetResult(new AgentAnalysis("a1", "late", "A"));
        agent.Actor.Tell(new Analyze(Q("after"), 0, 0), TestActor);
        Assert.Equal("after", ExpectMsg<AnalysisCompleted>().QueryId);
        ExpectNoFurtherReplyFromAgent(agent.Actor);
    }

    [Fact]
    public void Backs_off_after_repeated_crashes_then_serves_again()
    {
        var backend = new ScriptedBackend((q, _) => q.Id.StartsWith("boom", StringComparison.Ordinal) ? new Step.Crash() : new Step.Answer("A"));
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), FreeCrashes: 1);
        var agent = Agent("a1", backend, new AgentSettings(Backoff: backoff));

        agent.Actor.Tell(new Analyze(Q("boom1"), 0, 0), TestActor);
        ExpectMsg<AnalysisFailed>(f => f.Kind == AgentFailureKind.Crashed);
        agent.Actor.Tell(new Analyze(Q("ok1"), 0, 0), TestActor);
        Assert.Equal("ok1", ExpectMsg<AnalysisCompleted>().QueryId); // the first crash of a streak is free

        agent.Actor.Tell(new Analyze(Q("boom2"), 0, 0), TestActor);
        ExpectMsg<AnalysisFailed>(f => f.Kind == AgentFailureKind.Crashed);
        agent.Actor.Tell(new Analyze(Q("boom3"), 0, 0), TestActor);
        ExpectMsg<AnalysisFailed>(f => f.Kind == AgentFailureKind.Crashed);
        agent.Actor.Tell(GetAgentStatus.Instance, TestActor);
        var status = ExpectMsg<AgentStatus>();
        Assert.Equal(("a1", false, 3L), (status.Agent, status.Available, status.Restarts));
        Assert.False(agent.Vitals.Available);
        agent.Actor.Tell(new Analyze(Q("refused"), 0, 0), TestActor);
        ExpectMsg<AnalysisFailed>(f => f.Kind == AgentFailureKind.Unavailable && f.QueryId == "refused");

        // The back-off (300 ms for the second crash of a streak) began when the agent refused; it ends on the clock.
        Clock.Advance(TimeSpan.FromMilliseconds(299));
        agent.Actor.Tell(GetAgentStatus.Instance, TestActor);
        Assert.False(ExpectMsg<AgentStatus>().Available);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        agent.Actor.Tell(GetAgentStatus.Instance, TestActor);
        Assert.True(ExpectMsg<AgentStatus>().Available);
        agent.Actor.Tell(new Analyze(Q("ok2"), 0, 0), TestActor);
        Assert.Equal("ok2", ExpectMsg<AnalysisCompleted>().QueryId);
    }

    [Fact]
    public void Cancellation_reaches_the_backend()
    {
        var backend = new ScriptedBackend(new Step.Hang());
        var agent = Agent("a1", backend);
        agent.Actor.Tell(new Analyze(Q("q1"), 0, 0), TestActor);
        AwaitCondition(() => backend.Calls == 1);
        agent.Actor.Tell(new CancelAnalysis("q1", 0, 0), TestActor);
        AwaitCondition(() => backend.Cancellations == 1);
        AwaitAssert(() => Assert.Equal(0, agent.Vitals.InFlight));
        ExpectNoFurtherReplyFromAgent(agent.Actor);
    }

    [Fact]
    public void Streams_tokens_to_the_observer()
    {
        var agent = Agent("a1", new ScriptedBackend(new Step.Stream(["The answer ", "is ", "B"], "B")));
        var observer = CreateTestProbe();
        agent.Actor.Tell(new Analyze(Q("q1"), 0, 0, observer.Ref), TestActor);
        Assert.Equal(["The answer ", "is ", "B"], new[] { observer.ExpectMsg<TokenProduced>().Token, observer.ExpectMsg<TokenProduced>().Token, observer.ExpectMsg<TokenProduced>().Token });
        Assert.Equal("The answer is B", ExpectMsg<AnalysisCompleted>().Analysis.Text);
    }
}
