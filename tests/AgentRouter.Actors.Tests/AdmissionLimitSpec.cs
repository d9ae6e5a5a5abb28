using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using Xunit.Abstractions;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Actors.Tests;

/// <summary>The router's admission limit: excess queries are refused at once with a typed error, accepted ones
/// still get exactly one answer, and capacity frees up as queries end.</summary>
public sealed class AdmissionLimitSpec(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void Refuses_queries_beyond_the_limit_at_once_and_admits_again_when_one_ends()
    {
        var held = new Dictionary<string, TaskCompletionSource<AgentAnalysis>>
        {
            ["q1"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["q2"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        var agent = Agent("slow", new ScriptedBackend((q, _) => held.TryGetValue(q.Id, out var completion) ? new Step.Manual(completion) : new Step.Answer("A")));
        var router = Router([agent], settings: Settings(panel: 1) with { MaxInFlight = 2 });

        router.Tell(new RouteQuery(Q("q1")), TestActor);
        router.Tell(new RouteQuery(Q("q2")), TestActor);
        router.Tell(new RouteQuery(Q("q3")), TestActor);

        // q1 and q2 are held by the agent, so the only reply possible now is q3's refusal.
        var refused = ExpectMsg<QueryFailed>();
        Assert.Equal("q3", refused.QueryId);
        Assert.Equal(QueryFailureReason.Overloaded, refused.Reason);
        Assert.Contains("2 queries already in flight", refused.Message);
        Assert.Empty(refused.Analyses);

        held["q1"].SetResult(new AgentAnalysis("slow", "B", "B"));
        Assert.Equal("q1", ExpectMsg<QueryAnswered>().QueryId);

        // One slot is free again: a new query is admitted and answered, the still-held q2 keeps the limit reached.
        router.Tell(new RouteQuery(Q("q4")), TestActor);
        Assert.Equal("q4", ExpectMsg<QueryAnswered>().QueryId);
        router.Tell(new RouteQuery(Q("q5")), TestActor);
        Assert.Equal("q5", ExpectMsg<QueryAnswered>().QueryId);

        held["q2"].SetResult(new AgentAnalysis("slow", "C", "C"));
        Assert.Equal("q2", ExpectMsg<QueryAnswered>().QueryId);

        var stats = ExpectNoFurtherReplyFrom(router);
        Assert.Equal(4, stats.Answered);
        Assert.Equal(1, stats.Failed);
    }

    [Fact]
    public void Refuses_a_flood_beyond_the_limit_and_answers_every_query_exactly_once()
    {
        var release = new TaskCompletionSource<AgentAnalysis>(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent("gate", new ScriptedBackend(new Step.Manual(release), capacity: 1_000));
        var router = Router([agent], settings: Settings(panel: 1) with { MaxInFlight = 50 });
        const int sent = 200;
        for (var i = 0; i < sent; i++)
        {
            router.Tell(new RouteQuery(Q($"f{i}")), TestActor);
        }

        var refusals = ReceiveN(sent - 50).Cast<QueryFailed>().ToArray();
        Assert.All(refusals, f => Assert.Equal(QueryFailureReason.Overloaded, f.Reason));
        Assert.Equal(Enumerable.Range(50, sent - 50).Select(i => $"f{i}"), refusals.Select(f => f.QueryId));

        release.SetResult(new AgentAnalysis("gate", "A", "A"));
        var answered = ReceiveN(50).Cast<QueryAnswered>().Select(a => a.QueryId).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"f{i}").Order(StringComparer.Ordinal), answered);
        Assert.Equal((50L, 150L), ExpectNoFurtherReplyFrom(router) is var stats ? (stats.Answered, stats.Failed) : default);
    }

    [Fact]
    public void Refuses_queries_while_the_mailbox_backlog_exceeds_its_bound_and_admits_once_it_drains()
    {
        var policy = new GatedPolicy();
        var agent = Agent("fast", new ScriptedBackend(new Step.Answer("A")));
        var router = Router([agent], policy, Settings(panel: 1) with { MaxMailboxBacklog = 10 });

        router.Tell(new RouteQuery(Q("gate")), TestActor);
        Assert.True(policy.Entered.Wait(TimeSpan.FromSeconds(10)), "the router never reached the policy");

        // The router is stuck in the policy: these 30 queue up behind it in its mailbox.
        const int queued = 30;
        for (var i = 0; i < queued; i++)
        {
            router.Tell(new RouteQuery(Q($"b{i:D2}")), TestActor);
        }

        policy.Release.Set();
        var outcomes = ReceiveN(queued + 1, TimeSpan.FromSeconds(10)).Cast<QueryOutcome>().ToArray();
        ExpectNoFurtherReplyFrom(router);

        Assert.Equal(queued + 1, outcomes.Select(o => o.QueryId).Distinct().Count());
        var refused = outcomes.OfType<QueryFailed>().ToArray();
        Assert.All(refused, f => Assert.Equal(QueryFailureReason.Overloaded, f.Reason));
        Assert.All(refused, f => Assert.Contains("wait in its mailbox", f.Message));

        // b00 is dequeued with 29 behind it, b19 with 10: those exceed the bound of 10. Agent replies to admitted
        // queries and deadline ticks also wait in the mailbox, so near the boundary a few can go either way; the
        // first 16 cannot, and from b22 on (7 queries behind) nothing can be refused.
        var refusedIds = refused.Select(f => f.QueryId).ToHashSet(StringComparer.Ordinal);
        Assert.All(Enumerable.Range(0, 16), i => Assert.Contains($"b{i:D2}", refusedIds));
        Assert.All(Enumerable.Range(22, queued - 22), i => Assert.DoesNotContain($"b{i:D2}", refusedIds));
        Assert.Contains(outcomes, o => o is QueryAnswered { QueryId: "gate" });
        Assert.Contains(outcomes, o => o is QueryAnswered { QueryId: "b29" });
    }

    /// <summary>Holds the router inside <see cref="IRoutingPolicy.Select"/> for the query "gate", so that a test can
    /// fill the router's mailbox behind it.</summary>
    private sealed class GatedPolicy : AgentRouter.Core.Policies.IRoutingPolicy
    {
        private readonly OrderedPolicy _inner = new();

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public string Name => "gated";

        public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
        {
            if (query.Id == "gate")
            {
                Entered.Set();
                Release.Wait(TimeSpan.FromSeconds(30));
            }

            return _inner.Select(query, candidates, panelSize);
        }

        public void Observe(Query query, AgentOutcome outcome) => _inner.Observe(query, outcome);

        public System.Text.Json.Nodes.JsonObject Snapshot() => [];

        public void Restore(System.Text.Json.Nodes.JsonObject state)
        {
        }
    }
}
