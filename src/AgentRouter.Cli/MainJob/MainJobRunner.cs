using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Suite;
using AgentRouter.Hosting;

namespace AgentRouter.Cli.MainJob;

/// <summary>Settings of <c>agentrouter run</c>.</summary>
/// <param name="MeasuredLatency">Policies learn from measured wall-clock latency (varies with load) instead of the
/// deterministic modelled latency that makes a seeded run reproducible.</param>
internal sealed record MainJobSettings(
    string AgentsDirectory, string Policy, int PanelSize, string Merge, int Queries, int Seed, int FeedbackDelay, bool MeasuredLatency = false);

/// <summary>Streams suite test-split queries through one actor router over the local agents, one at a time, and
/// delivers per-agent rewards (1 when the agent's letter was the gold letter) <see cref="MainJobSettings.FeedbackDelay"/>
/// queries later, as a grader would.</summary>
internal static class MainJobRunner
{
    public static async Task<IReadOnlyList<MainJobRecord>> RunAsync(MainJobSettings settings, Action<int> onAnswered, CancellationToken cancellationToken)
    {
        var options = new AgentRouterOptions
        {
            SystemName = "main-job",
            AgentsDirectory = settings.AgentsDirectory,
        };
        var measured = new MeasuredLatencies();
        var routerSettings = new RouterSettings("main", settings.PanelSize, settings.Merge, MaxRetries: 0, PendingFeedbackCapacity: Math.Max(1, settings.Queries));
        if (PolicyCatalog.IsKnown(settings.Policy))
        {
            options.AddRouter(routerSettings, settings.Policy, new PolicySettings(settings.Seed));
        }
        else
        {
            // Not a policy name: a preset (policies/NAME.json or a file path), validated when the runtime starts.
            options.AddRouterFromPreset(routerSettings, settings.Policy);
        }

        var items = Items(settings);
        var delivered = new DeliveredAccuracy();
        var taskTypeOfQuery = items.ToDictionary(item => item.Id, item => item.Domain, StringComparer.Ordinal);
        var weightedVote = new FeedbackWeightedVote(taskTypeOfQuery, delivered);
        await using var runtime = await AgentRouterHost.StartRuntimeAsync(options, compose =>
        {
            compose.AddMergeStrategy(FeedbackWeightedVote.MergeName, () => weightedVote)

                // Contextual policies (LinUCB) see what the table-based ones key on: the query's task type, one-hot.
                .UseFeaturizer(TaskTypeFeatures);
            if (!settings.MeasuredLatency)
            {
                compose.UseModelledLatency(measured);
            }
        }, cancellationToken).ConfigureAwait(false);
        var router = runtime.Client;
        var delayed = new Queue<(int Due, string QueryId, FeedbackSignal Signal)>();
        var pendingGrades = new Dictionary<string, (string Domain, Dictionary<string, double> Rewards)>(StringComparer.Ordinal);
        var records = new List<MainJobRecord>(items.Count);
        for (var step = 0; step < items.Count; step++)
        {
            while (delayed.Count > 0 && delayed.Peek().Due <= step)
            {
                var (_, id, signal) = delayed.Dequeue();
                await DeliverAsync(router, id, signal, cancellationToken).ConfigureAwait(false);
                Grade(delivered, pendingGrades, id);
            }

            var item = items[step];
            var answered = await router.AskAsync(item.ToQuery(), null, cancellationToken).ConfigureAwait(false);
            var agents = answered.Analyses
                .Select(analysis => new AgentAnswerRecord(analysis.Agent, analysis.Choice == item.Answer, analysis.Cost, analysis.LatencyMs,
                    measured.Get(answered.QueryId, analysis.Agent, analysis.LatencyMs)))
                .ToList();
            records.Add(new MainJobRecord(step, item.Domain, answered.Answer.Choice == item.Answer, agents));
            var rewards = agents.ToDictionary(agent => agent.Agent, agent => agent.Correct ? 1.0 : 0.0, StringComparer.Ordinal);
            delayed.Enqueue((step + settings.FeedbackDelay, answered.QueryId, new FeedbackSignal.PerAgentRewards(rewards)));
            pendingGrades[answered.QueryId] = (item.Domain, rewards);
            onAnswered(step + 1);
        }

        while (delayed.Count > 0)
        {
            var (_, id, signal) = delayed.Dequeue();
            await DeliverAsync(router, id, signal, cancellationToken).ConfigureAwait(false);
        }
        return records;
    }

    /// <summary>The merge learns from the same delayed feedback as the policy, at the moment it is delivered.</summary>
    private static void Grade(
        DeliveredAccuracy delivered, Dictionary<string, (string Domain, Dictionary<string, double> Rewards)> pending, string queryId)
    {
        if (pending.Remove(queryId, out var grade))
        {
            foreach (var (agent, reward) in grade.Rewards)
            {
                delivered.Record(agent, grade.Domain, reward > 0);
            }
        }
    }

    /// <summary>One-hot of the suite domain (no shared bias, so one domain's rewards never leak into another's
    /// estimate); an unknown task type gives all zeros.</summary>
    public static float[] TaskTypeFeatures(AgentRouter.Core.Domain.Query query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var features = new float[SuiteDomains.All.Count];
        for (var i = 0; i < SuiteDomains.All.Count; i++)
        {
            if (string.Equals(SuiteDomains.All[i], query.TaskType, StringComparison.Ordinal))
            {
                features[i] = 1;
            }
        }

        return features;
    }

    /// <summary>The queries of a run: the suite's test split at difficulty 1, seeded.</summary>
    public static IReadOnlyList<SuiteItem> Items(MainJobSettings settings) =>
        SuiteGenerator.Generate(new SuiteGenerationOptions(settings.Queries, (ulong)settings.Seed, SuiteSplitFilter.Test, null, [1]));

    private static async Task DeliverAsync(IAgentRouter router, string queryId, FeedbackSignal signal, CancellationToken cancellationToken)
    {
        var result = await router.SubmitFeedbackAsync(queryId, signal, cancellationToken).ConfigureAwait(false);
        if (!result.Accepted)
        {
            throw new InvalidOperationException($"feedback for query '{queryId}' was rejected: {result.Message}");
        }
    }
}
