using System.Text.Json.Nodes;
using AgentRouter.Actors.Protocol;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cluster.Tests;

public sealed class SharedStateTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly Candidate[] Candidates = [new(AgentProfile.Simple("a1")), new(AgentProfile.Simple("a2")), new(AgentProfile.Simple("a3"))];

    private static Query Query(int i) => new($"q{i}", $"question {i}", "math");

    [Fact]
    public async Task Outcomes_observed_on_one_node_reach_every_node_in_the_same_order()
    {
        var options = StateHarness.OptionsFor(redis.Server, "order");
        await using var a = await StateHarness.StartAsync(options, "node-a");
        await using var b = await StateHarness.StartAsync(options, "node-b");
        for (var i = 0; i < 60; i++)
        {
            var observer = i % 2 == 0 ? a : b;
            observer.Policy.Observe(Query(i), new AgentOutcome(Candidates[i % 3].Name, i % 5 / 4.0, 10 + i, 0.001 * i));
        }

        await Eventually.Until(() => a.Policy.AppliedCount == 60 && b.Policy.AppliedCount == 60, "both nodes applied all 60 outcomes");
        Assert.Equal(a.Policy.Applied, b.Policy.Applied);
        Assert.Equal(a.Policy.Snapshot().ToJsonString(), b.Policy.Snapshot().ToJsonString());
        Assert.NotEqual(Fresh("ema").ToJsonString(), a.Policy.Snapshot().ToJsonString());
    }

    [Fact]
    public async Task A_restarted_router_resumes_from_the_snapshot_and_the_log_after_it()
    {
        var options = StateHarness.OptionsFor(redis.Server, "resume");
        string expected;
        LogPosition version;
        await using (var first = await StateHarness.StartAsync(options, "router-1"))
        {
            for (var i = 0; i < 40; i++)
            {
                first.Policy.Observe(Query(i), new AgentOutcome(Candidates[i % 3].Name, i % 2, 20, 0));
            }

            await Eventually.Until(() => first.Policy.AppliedCount == 40, "the first incarnation applied its outcomes");
            await first.Follower.SaveSnapshotAsync();
            expected = first.Policy.Snapshot().ToJsonString();
            version = first.Policy.Applied;
        }

        // Written while no router of this policy runs: the restarted one must apply it on top of the snapshot. This node
        // must not save a newer snapshot of its own (the harness saves every 100 ms), or the restarted router would
        // restore that one and have nothing left to apply, depending on how quickly it starts.
        await using var writerOnly = await StateHarness.StartAsync(options with { SnapshotInterval = TimeSpan.FromHours(1) }, "other-node");
        writerOnly.Policy.Observe(Query(99), new AgentOutcome("a2", 1, 5, 0));
        // It starts from the snapshot too, so it applies just its own outcome.
        await Eventually.Until(() => writerOnly.Policy.AppliedCount == 1 && writerOnly.Policy.Applied > version, "the other node restored the snapshot and applied its outcome");

        await using var restarted = await StateHarness.StartAsync(options, "router-1");
        await Eventually.Until(() => restarted.Policy.Applied > version, "the restarted router caught up past its snapshot");
        Assert.Equal(writerOnly.Policy.Applied, restarted.Policy.Applied);
        Assert.Equal(1, restarted.Policy.AppliedCount); // restored 40 from the snapshot, applied only the one after it
        Assert.Equal(writerOnly.Policy.Snapshot().ToJsonString(), restarted.Policy.Snapshot().ToJsonString());
        Assert.NotEqual(expected, restarted.Policy.Snapshot().ToJsonString());
    }

    [Fact]
    public async Task A_snapshot_never_goes_back_to_an_older_version()
    {
        var options = StateHarness.OptionsFor(redis.Server, "cas");
        await using var node = await StateHarness.StartAsync(options, "n");
        node.Policy.Observe(Query(1), new AgentOutcome("a1", 1, 1, 0));
        await Eventually.Until(() => node.Policy.AppliedCount == 1, "applied");
        await node.Follower.SaveSnapshotAsync();
        var stored = (string?)await node.Database.HashGetAsync(node.Keys.Snapshot("r"), "version");
        Assert.Equal(node.Policy.Applied.ToString(), stored);

        var older = await node.Database.ScriptEvaluateAsync(RedisScripts.SaveSnapshotIfNewer, [node.Keys.Snapshot("r")], ["1-0", "{}", "stale-node", "now"]);
        Assert.Equal(0, (long)older);
        Assert.Equal(stored, (string?)await node.Database.HashGetAsync(node.Keys.Snapshot("r"), "version"));
    }

    [Fact]
    public async Task Feedback_is_applied_once_per_query_even_when_delivered_twice()
    {
        var options = StateHarness.OptionsFor(redis.Server, "dup");
        await using var node = await StateHarness.StartAsync(options, "n", withFeedback: true);
        RecordAnswered(node, "q-dup");
        node.Writer.Enqueue(new PendingWrite.FeedbackAppend(new FeedbackEntry("q-dup", new FeedbackSignal.CorrectChoice("B"), DateTimeOffset.UtcNow).ToJson()));
        node.Writer.Enqueue(new PendingWrite.FeedbackAppend(new FeedbackEntry("q-dup", new FeedbackSignal.CorrectChoice("A"), DateTimeOffset.UtcNow).ToJson()));

        await Eventually.Until(() => node.Monitor.Status() is { FeedbackApplied: 1, FeedbackDuplicates: 1 }, "one feedback applied, one ignored as duplicate");
        await Eventually.Until(() => node.Policy.AppliedCount == 2, "both panel members' rewards applied");
        Assert.Equal(2, await node.Database.StreamLengthAsync(node.Keys.Outcomes("r")));
        await AllAcknowledgedAsync(node);
    }

    [Fact]
    public async Task Feedback_left_unacknowledged_by_a_stopped_consumer_is_reclaimed_and_applied()
    {
        var options = StateHarness.OptionsFor(redis.Server, "claim", claimIdle: TimeSpan.FromMilliseconds(300));
        await using var node = await StateHarness.StartAsync(options, "n");
        RecordAnswered(node, "q-claim");
        await node.Database.StreamCreateConsumerGroupAsync(node.Keys.Feedback, "routers", "0-0", createStream: true);
        await node.Database.StreamAddAsync(node.Keys.Feedback, "f", new FeedbackEntry("q-claim", new FeedbackSignal.AnswerCorrectness(true), DateTimeOffset.UtcNow).ToJson());

        // A consumer that read the entry and died before acknowledging it.
        var taken = await node.Database.StreamReadGroupAsync(node.Keys.Feedback, "routers", "dead-consumer", ">", 10);
        Assert.Single(taken);

        await using var survivor = await StateHarness.StartAsync(options, "survivor", withFeedback: true);
        await Eventually.Until(() => survivor.Monitor.Status() is { FeedbackReclaimed: 1, FeedbackApplied: 1 }, "the survivor reclaimed and applied the entry");
        await Eventually.Until(() => node.Policy.AppliedCount == 2, "the rewards reached the policy");
        await AllAcknowledgedAsync(node);
    }

    [Fact]
    public async Task Feedback_for_an_unknown_query_is_kept_pending_for_the_grace_then_counted_not_applied()
    {
        var options = StateHarness.OptionsFor(redis.Server, "unknown", claimIdle: TimeSpan.FromMilliseconds(100)) with { UnknownFeedbackGrace = TimeSpan.FromMilliseconds(400) };
        await using var node = await StateHarness.StartAsync(options, "n", withFeedback: true);
        node.Writer.Enqueue(new PendingWrite.FeedbackAppend(new FeedbackEntry("never-answered", new FeedbackSignal.AnswerReward(1), DateTimeOffset.UtcNow).ToJson()));
        await Eventually.Until(() => node.Monitor.Status().FeedbackParked >= 1, "the feedback was parked, not dropped");
        await Eventually.Until(() => node.Monitor.Status().FeedbackUnknown == 1, () => $"the unknown feedback was given up after the grace ({node.Describe()})");
        Assert.Equal(0, node.Policy.AppliedCount);
        await AllAcknowledgedAsync(node);
    }

    [Fact]
    public async Task Feedback_that_arrives_before_its_answered_record_is_parked_and_applied_when_the_record_appears()
    {
        var options = StateHarness.OptionsFor(redis.Server, "early", claimIdle: TimeSpan.FromMilliseconds(100));
        await using var node = await StateHarness.StartAsync(options, "n", withFeedback: true);
        node.Writer.Enqueue(new PendingWrite.FeedbackAppend(new FeedbackEntry("q-early", new FeedbackSignal.CorrectChoice("B"), DateTimeOffset.UtcNow).ToJson()));
        await Eventually.Until(() => node.Monitor.Status().FeedbackParked >= 2, "the feedback was parked and retried");
        Assert.Equal(1, (await node.Database.StreamPendingAsync(node.Keys.Feedback, "routers")).PendingMessageCount);

        RecordAnswered(node, "q-early"); // e.g. the serving node's buffer flushed after a Redis outage
        await Eventually.Until(() => node.Monitor.Status() is { FeedbackApplied: 1, FeedbackUnknown: 0 }, () => $"the parked feedback was applied ({node.Describe()})");
        await Eventually.Until(() => node.Policy.AppliedCount == 2, "both panel members' rewards applied");
        await AllAcknowledgedAsync(node);
    }

    [Fact]
    public async Task Without_Redis_the_router_keeps_selecting_buffers_updates_and_reconciles_when_Redis_returns()
    {
        await using var server = new RedisServer();
        await server.StartAsync();
        var options = StateHarness.OptionsFor(server, "outage") with { BufferCapacity = 1000 };
        await using var a = await StateHarness.StartAsync(options, "node-a");
        await using var b = await StateHarness.StartAsync(options, "node-b");
        a.Policy.Observe(Query(0), new AgentOutcome("a1", 1, 1, 0));
        await Eventually.Until(() => b.Policy.AppliedCount == 1 && a.Policy.AppliedCount == 1, "both applied the first outcome");

        await server.StopAsync();
        for (var i = 1; i <= 30; i++)
        {
            a.Policy.Observe(Query(i), new AgentOutcome(Candidates[i % 3].Name, i % 2, 1, 0));
        }

        await Eventually.Until(() => a.Monitor.Status() is { Degraded: true, Buffered: > 0 }, "node a reports degraded mode with buffered updates");
        var decision = a.Policy.Select(Query(100), Candidates, 2);
        Assert.Equal(2, decision.Panel.Count);

        await server.StartAsync(); // same port, empty: the outage also lost Redis's data
        await Eventually.Until(() => a.Monitor.Status() is { Degraded: false, Buffered: 0 }, "node a flushed its buffer", TimeSpan.FromSeconds(30));
        // The emptied Redis now holds exactly the 30 buffered outcomes. Each node may catch up by replaying them or,
        // when it re-attaches after the other saved a snapshot into the emptied Redis, by restoring that snapshot
        // (which does not count as applied entries): either way both end at the last entry's position and state.
        var stream = a.Keys.Outcomes("r");
        Assert.Equal(30, await a.Database.StreamLengthAsync(stream));
        var last = (await a.Database.StreamRangeAsync(stream, "-", "+", count: 1, messageOrder: StackExchange.Redis.Order.Descending)).Single().Id.ToString();
        await Eventually.Until(
            () => a.Policy.Applied.ToString() == last && b.Policy.Applied.ToString() == last,
            () => $"both nodes reached the buffered outcomes' log position {last} (a at {a.Policy.Applied}: {a.Describe()} | b at {b.Policy.Applied}: {b.Describe()})",
            TimeSpan.FromSeconds(30));
        Assert.Equal(a.Policy.Applied, b.Policy.Applied);
        Assert.Equal(Learned(a), Learned(b));
        Assert.Equal(0, a.Monitor.Status().Dropped);
        await Eventually.Until(() => a.Database.KeyExists(a.Keys.Snapshot("r")), "the snapshot was written again after Redis lost it");
    }

    /// <summary>
    /// The processor counts an entry (applied, duplicate, unknown) before its batch's XACK returns, so the pending list
    /// empties a moment after the counters move: wait for it rather than read it once.
    /// </summary>
    private static Task AllAcknowledgedAsync(StateHarness node) =>
        Eventually.UntilAsync(
            async () => (await node.Database.StreamPendingAsync(node.Keys.Feedback, "routers")).PendingMessageCount == 0,
            () => "every feedback entry was acknowledged");

    private static void RecordAnswered(StateHarness node, string queryId)
    {
        AgentAnalysis[] analyses = [new("a1", "B", "B"), new("a2", "A", "A"), new("a3", "failed", null, Status: OutcomeStatus.Failed)];
        node.Writer.Enqueue(new PendingWrite.AnsweredRecord(queryId, new AnsweredQueryRecord("r", new Query(queryId, "which?", "math", Options: ["A", "B"]), analyses, "B").ToJson()));
    }

    /// <summary>The learned statistics, without the cost reference that a Select on one node also sets.</summary>
    private static string Learned(StateHarness node)
    {
        var state = node.Policy.Snapshot();
        state.Remove("costRef");
        return state.ToJsonString();
    }

    private static JsonObject Fresh(string policy) => Core.Policies.PolicyCatalog.Create(policy, new Core.Policies.PolicySettings()).Snapshot();
}
