using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit.Xunit2;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cluster.Tests;

/// <summary>Three ActorSystems in this process on loopback: one router node and two models nodes.</summary>
public sealed class ClusterSpec(RedisFixture redis) : TestKit, IClassFixture<RedisFixture>
{
    private static Query Question(string id, string? text = null) => new(id, text ?? $"question {id}", "math", Options: ClusterNodes.Options);

    [Fact]
    public async Task A_query_is_routed_to_agents_on_other_nodes()
    {
        await using var router = await ClusterNodes.Router([], new RouterSettings("default", PanelSize: 4), "ema");
        await using var modelsA = await ClusterNodes.Models(["a1", "a2"], [ClusterNodes.Address(router)]);
        await using var modelsB = await ClusterNodes.Models(["b1", "b2"], [ClusterNodes.Address(router)]);
        var hosts = await AwaitAgentsAsync(router, 4);
        Assert.Equal(2, hosts.Values.Distinct().Count());
        Assert.DoesNotContain(router.Cluster.SelfAddress.ToString(), hosts.Values);

        var answered = await router.Client!.AskAsync(Question("q-remote"));
        Assert.Equal(["a1", "a2", "b1", "b2"], answered.Analyses.Select(a => a.Agent).Order());
        Assert.All(answered.Analyses, a => Assert.Equal(OutcomeStatus.Succeeded, a.Status));

        // A prompt of 1 MB crosses the nodes within the configured frame size.
        var longPrompt = await router.Client.AskAsync(Question("q-long", new string('p', 1_000_000)), new AskOptions(PanelSize: 2));
        Assert.Equal(2, longPrompt.Analyses.Count(a => a.Status == OutcomeStatus.Succeeded));
    }

    [Fact]
    public async Task When_a_models_node_is_killed_under_load_every_query_gets_exactly_one_reply_and_none_is_lost()
    {
        var settings = new RouterSettings("default", PanelSize: 1, MaxRetries: 3, AgentDeadline: TimeSpan.FromSeconds(15), QueryDeadline: TimeSpan.FromSeconds(30));
        await using var router = await ClusterNodes.Router([], settings, "round-robin");
        await using var modelsA = await ClusterNodes.Models(["a1", "a2"], [ClusterNodes.Address(router)], latencyMs: 150);
        var modelsB = await ClusterNodes.Models(["b1", "b2"], [ClusterNodes.Address(router)], latencyMs: 150);
        await AwaitAgentsAsync(router, 4);

        var client = CreateTestProbe(router.System);
        var routerActor = router.Routers["default"];
        const int before = 200;
        const int after = 200;
        for (var i = 0; i < before; i++)
        {
            routerActor.Tell(new RouteQuery(Question($"k{i}")), client.Ref);
        }

        await modelsB.CrashAsync(); // while about half of those are in flight on its agents
        for (var i = before; i < before + after; i++)
        {
            routerActor.Tell(new RouteQuery(Question($"k{i}")), client.Ref);
        }

        var outcomes = client.ReceiveN(before + after, TimeSpan.FromSeconds(40)).Cast<QueryOutcome>().ToList();
        // Never a second reply: the router's messages to the client arrive in order, so its stats reply comes next.
        routerActor.Tell(GetRouterStats.Instance, client.Ref);
        Assert.Equal(0, client.ExpectMsg<RouterStats>().InFlight);
        Assert.Equal(before + after, outcomes.Select(o => o.QueryId).Distinct().Count());
        var failed = outcomes.OfType<QueryFailed>().Select(f => $"{f.QueryId}: {f.Reason} {f.Message}").ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed.Take(5)));
        var answered = outcomes.Cast<QueryAnswered>().ToList();
        Assert.Contains(answered, a => a.Retries > 0 && a.Analyses.Single().Agent.StartsWith('a'));
        Assert.All(answered.Where(a => a.Retries > 0), a => Assert.StartsWith("a", a.Analyses.Single().Agent, StringComparison.Ordinal));

        await AwaitAgentsAsync(router, 2);
        await AwaitConditionAsync(() => Task.FromResult(router.Cluster.State.Members.Count == 2), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_router_restarts_and_resumes_with_the_policy_state_from_Redis_and_duplicate_feedback_is_ignored()
    {
        var shared = StateHarness.OptionsFor(redis.Server, "cluster-restart");
        var settings = new RouterSettings("default", PanelSize: 2);
        await using var modelsA = await ClusterNodes.Models(["a1", "a2", "a3"], []);
        var first = await ClusterNodes.Router([ClusterNodes.Address(modelsA)], settings, "ema", shared, nodeId: "router-1");
        await AwaitAgentsAsync(first, 3);

        for (var i = 0; i < 20; i++)
        {
            var answer = await first.Client!.AskAsync(Question($"r{i}"));
            Assert.True((await first.Client.SubmitFeedbackAsync(answer.QueryId, new FeedbackSignal.CorrectChoice("B"))).Accepted);
            Assert.True((await first.Client.SubmitFeedbackAsync(answer.QueryId, new FeedbackSignal.CorrectChoice("B"))).Accepted); // at-least-once: a client retry
        }

        await Eventually.Until(() => first.StateMonitor.Status() is { FeedbackApplied: 20, FeedbackDuplicates: 20 }, "20 feedbacks applied, 20 duplicates ignored");
        var policy = first.SharedPolicies["default"];
        await Eventually.Until(() => policy.AppliedCount == 40, "the 40 rewards (panel of 2) reached the router's policy");
        var learned = Learned(policy);
        var version = policy.Applied;
        await first.DisposeAsync();

        await using var second = await ClusterNodes.Router([ClusterNodes.Address(modelsA)], settings, "ema", shared, nodeId: "router-1");
        var resumed = second.SharedPolicies["default"];
        await Eventually.Until(() => resumed.Applied == version, "the restarted router restored the saved version");
        Assert.Equal(0, resumed.AppliedCount);
        Assert.Equal(learned, Learned(resumed));
        await AwaitAgentsAsync(second, 3);
        Assert.Equal(2, (await second.Client!.AskAsync(Question("after-restart"))).Analyses.Count);
    }

    [Fact]
    public async Task Redis_stopped_and_restarted_mid_run_serving_continues_and_the_state_reconciles()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        var shared = StateHarness.OptionsFor(server, "outage");
        await using var models = await ClusterNodes.Models(["a1", "a2"], []);
        await using var router = await ClusterNodes.Router([ClusterNodes.Address(models)], new RouterSettings("default", PanelSize: 2), "ema", shared, nodeId: "router-outage");
        await AwaitAgentsAsync(router, 2);
        var policy = router.SharedPolicies["default"];

        async Task<FeedbackResult> AskAndRateAsync(string id)
        {
            var answer = await router.Client!.AskAsync(Question(id));
            return await router.Client.SubmitFeedbackAsync(answer.QueryId, new FeedbackSignal.CorrectChoice("C"));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await AskAndRateAsync($"before-{i}")).Accepted);
        }

        await Eventually.Until(() => policy.AppliedCount == 10, "the first 5 feedbacks (2 rewards each) were learned");
        await server.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            // Served from local state while Redis is down; the feedback cannot be recorded, so it is not accepted.
            Assert.Equal(FeedbackRejection.Unavailable, (await AskAndRateAsync($"during-{i}")).Rejection);
        }

        await Eventually.Until(() => router.StateMonitor.Status() is { Degraded: true, Buffered: > 0 }, "the router reports degraded mode with buffered updates");
        Assert.Equal(10, policy.AppliedCount);

        await server.StartAsync();
        await Eventually.Until(() => router.StateMonitor.Status() is { Degraded: false, Buffered: 0 }, "the buffer was sent after Redis returned", TimeSpan.FromSeconds(30));
        for (var i = 0; i < 5; i++)
        {
            // The client sends the refused feedback again; the node still holds the answers it gave during the outage.
            Assert.True((await router.Client!.SubmitFeedbackAsync($"during-{i}", new FeedbackSignal.CorrectChoice("C"))).Accepted);
        }

        await Eventually.Until(() => policy.AppliedCount == 20 && router.StateMonitor.Status().FeedbackApplied == 10, "the feedback given during the outage was learned", TimeSpan.FromSeconds(30));
        Assert.Equal(0, router.StateMonitor.Status().Dropped);
    }

    [Fact]
    public async Task A_models_node_that_leaves_gracefully_takes_its_agents_out_of_the_candidates()
    {
        await using var router = await ClusterNodes.Router([], new RouterSettings("default", PanelSize: 4), "ema");
        await using var modelsA = await ClusterNodes.Models(["a1"], [ClusterNodes.Address(router)]);
        var modelsB = await ClusterNodes.Models(["b1"], [ClusterNodes.Address(router)]);
        await AwaitAgentsAsync(router, 2);

        await modelsB.DisposeAsync();
        var hosts = await AwaitAgentsAsync(router, 1);
        Assert.Equal(["a1"], hosts.Keys);
        var answer = await router.Client!.AskAsync(Question("after-leave"));
        Assert.Equal("a1", answer.Analyses.Single().Agent);
    }

    private async Task<IReadOnlyDictionary<string, string>> AwaitAgentsAsync(ClusterNode router, int count)
    {
        IReadOnlyDictionary<string, string> hosts = new Dictionary<string, string>();
        await AwaitConditionAsync(async () =>
        {
            hosts = (await router.Directory!.Ask<ClusterAgentDirectoryActor.DirectoryContents>(ClusterAgentDirectoryActor.GetDirectory.Instance, TimeSpan.FromSeconds(5))).NodeByAgent;
            return hosts.Count == count;
        }, TimeSpan.FromSeconds(20));
        return hosts;
    }

    private static string Learned(State.SharedPolicy policy)
    {
        var state = policy.Snapshot();
        state.Remove("costRef");
        return state.ToJsonString();
    }
}
