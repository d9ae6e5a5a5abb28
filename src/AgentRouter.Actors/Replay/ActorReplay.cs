using System.Text.Json.Nodes;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Replay;

namespace AgentRouter.Actors.Replay;

/// <summary>Drives a replay workload through the actor runtime: one replay agent actor per recorded model, one
/// router with the policy, queries in the engine's order restricted to the agents that recorded an answer, and
/// the recorded correctness sent back as delayed feedback. With concurrency 1 it reproduces the direct replay
/// exactly (same decisions, accuracy and cost); with more queries in flight, feedback arrives later than in the
/// engine and the comparison shows how far results drift.</summary>
public static class ActorReplay
{
    public static async Task<ActorReplayComparison> CompareAsync(
        ReplayWorkload workload, ReplaySettings settings, string policy, int concurrency, CancellationToken cancellationToken = default)
    {
        var engine = new ReplayEngine(workload, settings);
        var recording = new DecisionRecordingPolicy(PolicyCatalog.Create(policy, new PolicySettings(settings.Seed)));
        var direct = engine.Run(recording);
        var viaActors = await RunAsync(workload, settings, policy, concurrency, cancellationToken).ConfigureAwait(false);
        var same = 0;
        foreach (var (id, panel) in recording.Panels)
        {
            if (viaActors.Panels.TryGetValue(id, out var actorPanel) && actorPanel.SequenceEqual(panel))
            {
                same++;
            }
        }

        return new ActorReplayComparison(policy, direct.Accuracy, direct.TotalCost, viaActors, recording.Panels.Count == 0 ? 1 : (double)same / recording.Panels.Count);
    }

    public static async Task<ActorReplayRun> RunAsync(
        ReplayWorkload workload, ReplaySettings settings, string policy, int concurrency, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var options = new AgentRouterOptions { SystemName = "replay" };
        var backends = ReplayBackend.ForWorkload(workload);
        for (var agent = 0; agent < workload.Agents.Count; agent++)
        {
            var profile = workload.Agents[agent];
            options.AddAgent(
                new AgentManifest(profile.Name, "replay", profile.Tags, profile.Cost, profile.TypicalLatencyMs, 1024, 1024, profile.WeightsId, new JsonObject()),
                backends[agent]);
        }

        options.AddRouter(
            new RouterSettings("replay", PanelSize: settings.PanelSize, MergeStrategy: settings.Merge, MaxRetries: 0, PendingFeedbackCapacity: Math.Max(1, workload.Items.Count)),
            policy,
            new PolicySettings(settings.Seed));

        await using var runtime = await AgentRouterRuntime.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var router = runtime.Client;
        var order = new ReplayEngine(workload, settings).Order;
        var panels = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var delayed = new Queue<(int Due, string QueryId, FeedbackSignal Signal)>();
        var inFlight = new List<(ReplayItem Item, Task<QueryAnswered> Answer)>();
        double quality = 0;
        double cost = 0;
        var failed = 0;

        async Task Settle((ReplayItem Item, Task<QueryAnswered> Answer) pending, int step)
        {
            QueryAnswered answered;
            try
            {
                answered = await pending.Answer.ConfigureAwait(false);
            }
            catch (QueryFailedException)
            {
                failed++;
                return;
            }

            panels[answered.QueryId] = answered.Decision.Panel;
            quality += Score(workload, pending.Item, answered);
            cost += answered.Analyses.Sum(a => a.Cost);
            var rewards = answered.Analyses.ToDictionary(a => a.Agent, a => RecordedQuality(workload, pending.Item, a.Agent), StringComparer.Ordinal);
            var signal = new FeedbackSignal.PerAgentRewards(rewards);
            if (concurrency == 1 && settings.FeedbackDelay > 0)
            {
                delayed.Enqueue((step + settings.FeedbackDelay, answered.QueryId, signal));
            }
            else
            {
                await Deliver(router, answered.QueryId, signal, cancellationToken).ConfigureAwait(false);
            }
        }

        for (var step = 0; step < order.Count; step++)
        {
            while (delayed.Count > 0 && delayed.Peek().Due <= step)
            {
                var (_, id, signal) = delayed.Dequeue();
                await Deliver(router, id, signal, cancellationToken).ConfigureAwait(false);
            }

            var item = workload.Items[order[step]];
            var allowed = item.Candidates.Select(c => c.Name).ToArray();
            inFlight.Add((item, router.AskAsync(item.Query, new AskOptions(Agents: allowed), cancellationToken)));
            while (inFlight.Count >= concurrency)
            {
                var finished = await Task.WhenAny(inFlight.Select(p => p.Answer)).ConfigureAwait(false);
                var index = inFlight.FindIndex(p => p.Answer == finished);
                var pending = inFlight[index];
                inFlight.RemoveAt(index);
                await Settle(pending, step).ConfigureAwait(false);
            }
        }

        foreach (var pending in inFlight)
        {
            await Settle(pending, order.Count).ConfigureAwait(false);
        }

        return new ActorReplayRun(policy, concurrency, order.Count, failed, quality, cost, panels);
    }

    private static async Task Deliver(IAgentRouter router, string queryId, FeedbackSignal signal, CancellationToken cancellationToken)
    {
        var result = await router.SubmitFeedbackAsync(queryId, signal, cancellationToken).ConfigureAwait(false);
        if (!result.Accepted)
        {
            throw new InvalidOperationException($"replay feedback for query '{queryId}' was rejected: {result.Message}");
        }
    }

    private static double RecordedQuality(ReplayWorkload workload, ReplayItem item, string agent) =>
        workload.TryGetAgentIndex(agent, out var index) && item.AnswerOf(index) is { } answer ? answer.Quality : 0;

    /// <summary>The replay engine's scoring rule: a one-member panel scores its member's recorded quality; a
    /// merged multiple-choice answer scores against the inferred gold letter, or, when that is unknown, the
    /// recorded quality of the best-ranked member who gave the merged letter; a free-form merge scores the
    /// member it selected; an abstaining panel scores 0.</summary>
    private static double Score(ReplayWorkload workload, ReplayItem item, QueryAnswered answered)
    {
        var panel = answered.Decision.Panel;
        var merged = answered.Answer;
        if (panel.Count == 1)
        {
            return RecordedQuality(workload, item, answered.Analyses[0].Agent);
        }

        if (item.Query.Options is null)
        {
            return merged.SelectedAgent is { } selected ? RecordedQuality(workload, item, selected) : 0;
        }

        if (merged.Choice is null)
        {
            return 0;
        }

        if (item.GoldChoice is { } gold)
        {
            return merged.Choice == gold ? 1 : 0;
        }

        foreach (var analysis in answered.Analyses)
        {
            if (analysis.Choice == merged.Choice)
            {
                return RecordedQuality(workload, item, analysis.Agent);
            }
        }

        return 0;
    }

    /// <summary>Wraps the direct run's policy to record each decision's panel.</summary>
    private sealed class DecisionRecordingPolicy(IRoutingPolicy inner) : IRoutingPolicy
    {
        public Dictionary<string, IReadOnlyList<string>> Panels { get; } = new(StringComparer.Ordinal);

        public string Name => inner.Name;

        public RoutingDecision Select(Query query, IReadOnlyList<Candidate> candidates, int panelSize)
        {
            var decision = inner.Select(query, candidates, panelSize);
            Panels[query.Id] = decision.Panel;
            return decision;
        }

        public void Observe(Query query, AgentOutcome outcome) => inner.Observe(query, outcome);

        public JsonObject Snapshot() => inner.Snapshot();

        public void Restore(JsonObject state) => inner.Restore(state);
    }
}
