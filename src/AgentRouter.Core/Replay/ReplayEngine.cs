using System.Diagnostics;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Replay;

/// <summary>Replays recorded outcomes through a policy, online from an empty start: every policy sees the
/// same query order (shuffled once with the seed); per query the candidates are the agents with a record
/// for it, the policy picks a panel (only Select is timed), the members "answer" with their recorded
/// response, correctness and cost, and each member's outcome is fed back — at once, or
/// <see cref="ReplaySettings.FeedbackDelay"/> queries later.
/// Scoring: a one-member panel scores its member's recorded quality. A larger panel is merged: on a
/// free-form task the merge picks a member, whose quality counts; on a multiple-choice task the merged letter
/// is compared with the gold letter inferred from the answers recorded as correct, and when that is unknown
/// the merged letter scores the recorded quality of the best-ranked member who gave it (an abstaining panel
/// scores 0). Panel cost is the sum of its members' costs. Regret per query is the oracle's quality (the best
/// recorded quality among the candidates) minus the policy's.</summary>
public sealed class ReplayEngine
{
    private const int RegretCheckpoints = 10;

    private readonly ReplayWorkload _workload;
    private readonly ReplaySettings _settings;
    private readonly IMergeStrategy _merge;
    private readonly int[] _order;
    private readonly ReplayWorkload? _warmup;
    private ReplayTimeline? _timeline;
    private int _timelineVersion;

    /// <param name="warmup">Optional earlier data (e.g. RouterBench's train split) that every online policy is run
    /// over first, in its own seeded order, learning from every outcome at once, without being scored.</param>
    /// <exception cref="ArgumentException">Unknown merge strategy, or a panel size or delay below its minimum.</exception>
    public ReplayEngine(ReplayWorkload workload, ReplaySettings settings, ReplayWorkload? warmup = null)
    {
        _warmup = warmup;
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.PanelSize, 1, nameof(settings));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.FeedbackDelay, nameof(settings));
        _workload = workload;
        _settings = settings;
        _merge = MergeCatalog.Create(settings.Merge);
        _order = Enumerable.Range(0, workload.Items.Count).ToArray();
        new Random(settings.Seed).Shuffle(_order);
    }

    public ReplaySettings Settings => _settings;

    public ReplayWorkload Workload => _workload;

    /// <summary>The query order every policy sees (indices into the workload's items).</summary>
    public IReadOnlyList<int> Order => _order;

    /// <summary>Runs a registered policy or a replay baseline by name.</summary>
    /// <exception cref="ArgumentException">The name is neither.</exception>
    public PolicyRun Run(string name, double? costWeight = null)
    {
        if (ReplayBaselines.IsBaseline(name))
        {
            return Run(ReplayBaselines.Create(name, _workload), costWeight);
        }

        var policy = PolicyCatalog.Create(name, new PolicySettings(_settings.Seed, costWeight));
        return Run(new OnlinePolicyChooser(policy), costWeight);
    }

    /// <param name="costWeight">The λ the policy was built with, recorded in the result.</param>
    /// <param name="label">Name to report the run under (e.g. a preset's); the policy's own name by default.</param>
    public PolicyRun Run(IRoutingPolicy policy, double? costWeight = null, string? label = null) =>
        Run(new OnlinePolicyChooser(policy, label), costWeight);

    internal PolicyRun Run(IPanelChooser chooser, double? costWeight)
    {
        var run = new PolicyRun(chooser.Name, chooser.IsBaseline, costWeight, _workload.Agents.Count);
        var panelSize = chooser.IsBaseline ? 1 : _settings.PanelSize;
        var pending = new Queue<(int Due, Query Query, AgentOutcome Outcome)>();
        var observedQuality = new double[_workload.Agents.Count];
        var observedCount = new int[_workload.Agents.Count];
        var members = new int[_workload.Agents.Count];
        var analyses = new List<AgentAnalysis>(panelSize);
        // The loop allocates nothing per query once these have grown (AllocationFreeReplayTests guards it): the
        // decision lands in a reused buffer as candidate indices and outcomes are built once per item and agent.
        var decision = new DecisionBuffer();
        var checkpointEvery = Math.Max(1, _order.Length / RegretCheckpoints);
        if (_warmup is not null && !chooser.IsBaseline)
        {
            WarmUp(chooser, panelSize, decision);
        }

        var timeline = Timeline();
        for (var step = 0; step < _order.Length; step++)
        {
            while (pending.Count > 0 && pending.Peek().Due <= step)
            {
                var (_, query, outcome) = pending.Dequeue();
                chooser.Observe(query, outcome);
            }

            var item = timeline.Items[step];
            var candidates = timeline.Candidates[step];
            var started = Stopwatch.GetTimestamp();
            chooser.ChooseInto(item, timeline.Queries[step], candidates, panelSize, decision);
            run.DecisionTicks += Stopwatch.GetTimestamp() - started;

            var panel = decision.Panel;
            // A panel larger than asked is allowed: the 'all' policy sends every query to every candidate by design.
            if (panel.Length == 0)
            {
                throw new InvalidOperationException($"policy '{chooser.Name}' chose no agent for query '{item.Query.Id}', which has {item.Candidates.Count} candidates");
            }

            var first = timeline.Start[step];
            var offered = timeline.Start[step + 1] - first;
            var cost = 0.0;
            for (var m = 0; m < panel.Length; m++)
            {
                var chosen = panel[m];
                if ((uint)chosen >= (uint)offered)
                {
                    throw new InvalidOperationException($"policy '{chooser.Name}' chose candidate {chosen} for query '{item.Query.Id}', which has {offered} candidates");
                }

                var agent = timeline.Agents[first + chosen];
                members[m] = agent;
                cost += timeline.Cost[first + chosen];
                run.Traffic[agent]++;
            }

            var quality = panel.Length == 1
                ? timeline.Quality[first + panel[0]]
                : MergedQuality(item, PanelNames(candidates, panel), members, analyses, observedQuality, observedCount, run);

            run.Queries++;
            run.PanelSlots += panel.Length;
            run.QualitySum += quality;
            run.TotalCost += cost;
            run.CumulativeRegret += timeline.Oracle[step] - quality;
            if ((step + 1) % checkpointEvery == 0 && run.RegretCurve.Count < RegretCheckpoints - 1)
            {
                run.RegretCurve.Add(run.CumulativeRegret);
            }

            for (var m = 0; m < panel.Length; m++)
            {
                var outcome = timeline.OutcomeOf(step, panel[m]);
                observedQuality[members[m]] += outcome.Quality;
                observedCount[members[m]]++;
                if (_settings.FeedbackDelay == 0)
                {
                    chooser.Observe(timeline.Queries[step], outcome);
                }
                else
                {
                    pending.Enqueue((step + _settings.FeedbackDelay, timeline.Queries[step], outcome));
                }
            }
        }

        run.RegretCurve.Add(run.CumulativeRegret);
        return run;
    }

    /// <summary>The workload in replay order, built on the first run and again if the queries have been replaced since.</summary>
    private ReplayTimeline Timeline()
    {
        if (_timeline is null || _timelineVersion != _workload.QueryVersion)
        {
            _timelineVersion = _workload.QueryVersion;
            _timeline = new ReplayTimeline(_workload, _order);
        }

        return _timeline;
    }

    private void WarmUp(IPanelChooser chooser, int panelSize, DecisionBuffer decision)
    {
        var order = Enumerable.Range(0, _warmup!.Items.Count).ToArray();
        new Random(_settings.Seed).Shuffle(order);
        foreach (var index in order)
        {
            var item = _warmup.Items[index];
            chooser.ChooseInto(item, item.Query, item.Candidates, panelSize, decision);
            foreach (var chosen in decision.Panel)
            {
                chooser.Observe(item.Query, item.OutcomeOf(CandidateAgent(item, chosen, chooser), item.Candidates[chosen].Name));
            }
        }
    }

    /// <summary>The workload agent index of the item's candidate <paramref name="chosen"/>.</summary>
    private static int CandidateAgent(ReplayItem item, int chosen, IPanelChooser chooser) =>
        (uint)chosen < (uint)item.CandidateAgents.Count
            ? item.CandidateAgents[chosen]
            : throw new InvalidOperationException($"policy '{chooser.Name}' chose candidate {chosen} for query '{item.Query.Id}', which has {item.Candidates.Count} candidates");

    /// <summary>The panel's agent names, for the merge (panels above one only: the names array is allocated per query).</summary>
    private static string[] PanelNames(IReadOnlyList<Candidate> candidates, ReadOnlySpan<int> panel)
    {
        var names = new string[panel.Length];
        for (var m = 0; m < panel.Length; m++)
        {
            names[m] = candidates[panel[m]].Name;
        }

        return names;
    }

    private double MergedQuality(
        ReplayItem item, IReadOnlyList<string> panel, int[] members, List<AgentAnalysis> analyses,
        double[] observedQuality, int[] observedCount, PolicyRun run)
    {
        analyses.Clear();
        Dictionary<string, double>? weights = null;
        if (_merge is QualityWeightedMerge)
        {
            // The engine's running mean of delivered outcomes (Laplace-smoothed) stands in for the policy's estimate.
            weights = new Dictionary<string, double>(panel.Count, StringComparer.Ordinal);
        }

        for (var m = 0; m < panel.Count; m++)
        {
            var answer = item.AnswerOf(members[m])!.Value;
            analyses.Add(new AgentAnalysis(panel[m], answer.Response ?? string.Empty, answer.Choice, LatencyMs: answer.LatencyMs, Cost: answer.Cost));
            weights?.Add(panel[m], (observedQuality[members[m]] + 1) / (observedCount[members[m]] + 2));
        }

        var options = item.Query.Options;
        var merged = _merge.Merge(analyses, new MergeContext(item.Query.Id, panel, weights, options));
        if (options is null)
        {
            for (var m = 0; m < panel.Count; m++)
            {
                if (panel[m] == merged.SelectedAgent)
                {
                    return item.AnswerOf(members[m])!.Value.Quality;
                }
            }

            run.Abstained++;
            return 0;
        }

        if (merged.Choice is null)
        {
            run.Abstained++;
            return 0;
        }

        if (item.GoldChoice is { } gold)
        {
            return merged.Choice == gold ? 1 : 0;
        }

        run.GoldFallbacks++;
        for (var m = 0; m < panel.Count; m++)
        {
            var answer = item.AnswerOf(members[m])!.Value;
            if (answer.Choice == merged.Choice)
            {
                return answer.Quality;
            }
        }

        return 0;
    }
}
