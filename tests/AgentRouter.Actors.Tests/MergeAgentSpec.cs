using AgentRouter.Actors.Merging;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Merging;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.MergeProtocol;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

public sealed class MergeAgentSpec(ITestOutputHelper output) : ActorSpec(output)
{
    private static readonly AgentAnalysis[] Panel =
    [
        new("a1", "I think A", "A"),
        new("a2", "Surely B", "B"),
        new("a3", "B again", "B"),
    ];

    private static Merge Request(long correlation = 7) =>
        new(correlation, LlmStrategy, "Which?", ["A", "B", "C", "D"], Panel, new MergeContext("q1", ["a1", "a2", "a3"], Options: ["A", "B", "C", "D"]));

    private Akka.Actor.IActorRef MergeAgent(ScriptedBackend? llm, TimeSpan? timeout = null)
    {
        var agent = llm is null ? null : Agent("judge", llm);
        return Sys.ActorOf(MergeAgentActor.Props(new MergeAgentSettings(agent?.Actor, "judge", "majority", timeout), TestMajorityMerge.Resolve, Clock));
    }

    [Fact]
    public void The_llm_merge_takes_the_option_the_judge_names()
    {
        var judge = new ScriptedBackend((q, _) => q.Text.Contains("a2: (B) Surely B", StringComparison.Ordinal) ? new Step.Answer("?", "Answer: (A).") : new Step.Fail());
        MergeAgent(judge).Tell(Request(), TestActor);
        var merged = ExpectMsg<Merged>();
        Assert.Equal((7L, "A", false, "llm"), (merged.Correlation, merged.Result.Choice, merged.FellBack, merged.Result.Strategy));
        Assert.Contains("1 of 3", merged.Result.Rationale);
    }

    [Fact]
    public void A_failing_judge_falls_back_to_the_vote_and_says_so()
    {
        MergeAgent(new ScriptedBackend(new Step.Fail("judge is down"))).Tell(Request(), TestActor);
        var merged = ExpectMsg<Merged>();
        Assert.True(merged.FellBack);
        Assert.Equal("B", merged.Result.Choice);
        Assert.Contains("judge is down", merged.Result.Rationale);
        Assert.Contains("fell back to majority", merged.Result.Rationale);
    }

    [Fact]
    public void An_unparseable_reply_falls_back()
    {
        MergeAgent(new ScriptedBackend(new Step.Answer("?", "I cannot decide"))).Tell(Request(), TestActor);
        var merged = ExpectMsg<Merged>();
        Assert.True(merged.FellBack);
        Assert.Contains("without naming an option", merged.Result.Rationale);
    }

    [Fact]
    public void A_free_text_llm_merge_returns_the_answer_the_merge_model_wrote_from_every_analysis()
    {
        AgentAnalysis[] panel = [new("a1", "Paris, I believe", null), new("a2", "It is Lyon", null), new("a3", "Paris", null)];
        var judge = new ScriptedBackend((q, _) =>
            q.Text.Contains("- a1: Paris, I believe", StringComparison.Ordinal) && q.Text.Contains("- a2: It is Lyon", StringComparison.Ordinal)
            && q.Text.Contains("Reply with the final answer only", StringComparison.Ordinal)
                ? new Step.Answer("?", "  The capital of France is Paris. ")
                : new Step.Fail());
        MergeAgent(judge).Tell(new Merge(9, LlmStrategy, "What is the capital of France?", null, panel, new MergeContext("q2", ["a1", "a2", "a3"])), TestActor);

        var merged = ExpectMsg<Merged>();
        Assert.False(merged.FellBack);
        Assert.Equal(("The capital of France is Paris.", "judge", null), (merged.Result.Text, merged.Result.SelectedAgent, merged.Result.Choice));
        Assert.Contains("3 of 3", merged.Result.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_free_text_reply_falls_back_to_the_vote()
    {
        AgentAnalysis[] panel = [new("a1", "Paris", null), new("a2", "Paris", null)];
        MergeAgent(new ScriptedBackend(new Step.Answer("?", "  "))).Tell(new Merge(3, LlmStrategy, "Capital?", null, panel, new MergeContext("q3", ["a1", "a2"])), TestActor);
        var merged = ExpectMsg<Merged>();
        Assert.True(merged.FellBack);
        Assert.Contains("no text", merged.Result.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void A_judge_past_its_timeout_is_cancelled_and_the_vote_decides()
    {
        var judge = new ScriptedBackend(new Step.Hang());
        MergeAgent(judge, TimeSpan.FromMilliseconds(150)).Tell(Request(), TestActor);
        AwaitCondition(() => judge.Calls == 1); // the merge agent starts its timeout before it asks the judge
        Clock.Advance(TimeSpan.FromMilliseconds(150));
        var merged = ExpectMsg<Merged>();
        Assert.True(merged.FellBack);
        Assert.Equal("B", merged.Result.Choice);
        Assert.Contains("did not answer within", merged.Result.Rationale);
        AwaitCondition(() => judge.Cancellations == 1);
    }

    [Fact]
    public void Routers_hand_llm_merges_to_the_merge_agent_and_report_the_fallback()
    {
        var agents = new[]
        {
            Agent("a1", new ScriptedBackend(new Step.Answer("C"))),
            Agent("a2", new ScriptedBackend(new Step.Answer("C"))),
        };
        var router = Router(agents, mergeAgent: MergeAgent(new ScriptedBackend(new Step.Fail("no judge today"))));
        router.Tell(new RouteQuery(Q("q1"), new RouteOptions(MergeStrategy: LlmStrategy)), TestActor);
        var answered = ExpectMsg<QueryAnswered>();
        Assert.True(answered.MergeFellBack);
        Assert.Equal("C", answered.Answer.Choice);
        Assert.Contains("no judge today", answered.Answer.Rationale);
    }

    [Fact]
    public void Without_a_merge_agent_an_llm_merge_is_a_typed_error()
    {
        var router = Router([Agent("a1", new ScriptedBackend(new Step.Answer("C")))]);
        router.Tell(new RouteQuery(Q("q1"), new RouteOptions(MergeStrategy: LlmStrategy)), TestActor);
        Assert.Equal(QueryFailureReason.MergeFailed, ExpectMsg<QueryFailed>().Reason);
    }
}
