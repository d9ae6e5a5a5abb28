using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

/// <summary>The allocation-free parts of the routed path keep its behaviour: decisions made into the router's buffer
/// are the records <see cref="IRoutingPolicy.Select"/> returns, and reused in-flight state starts clean.</summary>
public sealed class RoutedPathSpec(ITestOutputHelper output) : ActorSpec(output)
{
    [Theory]
    [InlineData("ema")]
    [InlineData("round-robin")]
    public void A_buffered_decision_is_the_record_the_policy_would_return(string policyName)
    {
        var agents = new[]
        {
            Agent("fast", new ScriptedBackend(new Step.Answer("A")), expectedLatencyMs: 50),
            Agent("mid", new ScriptedBackend(new Step.Answer("B")), expectedLatencyMs: 400),
            Agent("slow", new ScriptedBackend(new Step.Answer("A")), expectedLatencyMs: 3000),
        };
        var router = Router(agents, PolicyCatalog.Create(policyName, new PolicySettings(Seed: 3)), Settings(panel: 2));

        // A twin of the router's policy, shown the same candidates (idle agents: load 0), must decide the same.
        var twin = PolicyCatalog.Create(policyName, new PolicySettings(Seed: 3));
        var candidates = agents.Select(a => new Candidate(a.Profile, 0)).ToArray();
        for (var i = 1; i <= 4; i++)
        {
            var query = Q($"q{i}");
            router.Tell(new RouteQuery(query), TestActor);
            var decision = ExpectMsg<QueryAnswered>().Decision;
            var expected = twin.Select(query, candidates, 2);

            Assert.Equal(expected.QueryId, decision.QueryId);
            Assert.Equal(expected.Policy, decision.Policy);
            Assert.Equal(expected.Panel, decision.Panel);
            Assert.Equal(expected.Scores, decision.Scores);
            Assert.Equal(expected.Rule, decision.Rule);
        }
    }

    [Fact]
    public void A_query_after_a_retried_one_starts_with_no_retries_and_its_own_panel()
    {
        var first = new ScriptedBackend((q, _) => q.Id == "q1" ? new Step.Crash() : (Step)new Step.Answer("A"));
        var agents = new[] { Agent("first", first), Agent("second", new ScriptedBackend(new Step.Answer("D"))) };
        var router = Router(agents, settings: Settings(panel: 1));

        router.Tell(new RouteQuery(Q("q1")), TestActor);
        var retried = ExpectMsg<QueryAnswered>();
        Assert.Equal((1, "second"), (retried.Retries, retried.Analyses.Single().Agent));

        router.Tell(new RouteQuery(Q("q2")), TestActor);
        var clean = ExpectMsg<QueryAnswered>();
        Assert.Equal("q2", clean.QueryId);
        Assert.Equal((0, "first", "A"), (clean.Retries, clean.Analyses.Single().Agent, clean.Answer.Choice));
        Assert.Equal(["first"], clean.Decision.Panel);
        Assert.NotSame(retried.Analyses, clean.Analyses);
        Assert.Equal("second", retried.Analyses.Single().Agent); // the first reply is not touched by the second query
    }
}
