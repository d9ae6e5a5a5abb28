using AgentRouter.Core.Evaluation;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Presets;

namespace AgentRouter.Core.Replay;

/// <summary>Runs a list of policies and baselines over one workload and summarises them.</summary>
public static class ReplayComparison
{
    /// <summary>Online policies the replay runs by default, in report order (those registered at run time).</summary>
    public static IReadOnlyList<string> DefaultOnlinePolicies { get; } =
        ["ema", "ema-lex", "pheromone", "ucb1", "thompson", "epsilon", "linucb", "random"];

    public static IReadOnlyList<string> DefaultPolicies() =>
        DefaultOnlinePolicies.Where(PolicyCatalog.IsKnown).Concat(ReplayBaselines.Names).ToArray();

    /// <summary>A policy entry ending in ".json" is a preset file (policies/*.json), reported under its file name.</summary>
    public static bool IsPresetFile(string name) => name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <exception cref="ArgumentException">A name is neither a registered policy nor a replay baseline.</exception>
    /// <exception cref="PolicyPresetException">A preset file is missing or invalid.</exception>
    public static void Validate(IEnumerable<string> policies)
    {
        foreach (var name in policies)
        {
            if (IsPresetFile(name))
            {
                PolicyPresetLoader.LoadFile(name);
                continue;
            }

            if (!ReplayBaselines.IsBaseline(name) && !PolicyCatalog.IsKnown(name))
            {
                throw new ArgumentException(
                    $"Unknown policy '{name}'. Known: {string.Join(", ", PolicyCatalog.Names.Order().Concat(ReplayBaselines.Names))}.");
            }
        }
    }

    public static ReplayReport Run(
        ReplayWorkload workload, ReplaySettings settings, IReadOnlyList<string> policies,
        IReadOnlyList<double>? aiqGrid = null, Action<string>? progress = null, ReplayWorkload? warmup = null,
        AiqNormalisation normalisation = AiqNormalisation.RouterBench, IReadOnlyList<ExtraRouter>? extraRouters = null)
    {
        Validate(policies);
        if (workload.FeatureDimension == 0)
        {
            progress?.Invoke("featurizing queries (hashed n-grams)");
            workload.AttachFeatures(new HashedNGramFeaturizer());
        }

        var grid = aiqGrid ?? ReplaySettings.DefaultAiqGrid;
        if (warmup is { FeatureDimension: 0 })
        {
            warmup.AttachFeatures(new HashedNGramFeaturizer());
        }

        var engine = new ReplayEngine(workload, settings, warmup);
        progress?.Invoke($"best-single reference ({workload.Items.Count} queries)");
        var bestSingle = engine.Run(ReplayBaselines.BestSingle);
        var bestAgent = ReplayBaselines.BestSingleRanking(workload)[0];

        var summaries = new List<PolicySummary>();
        foreach (var name in policies)
        {
            progress?.Invoke($"{name}: replaying {workload.Items.Count} queries" + (ReplayBaselines.IsBaseline(name) ? string.Empty : $", then AIQ over {grid.Count} cost weights"));
            var runAt = Runner(engine, name);
            var run = ReplayBaselines.IsBaseline(name) && string.Equals(name, ReplayBaselines.BestSingle, StringComparison.OrdinalIgnoreCase) ? bestSingle : runAt(null);
            var points = new List<CostQualityPoint>();
            double? aiq = null;
            if (!run.IsBaseline)
            {
                foreach (var weight in grid)
                {
                    var swept = runAt(weight);
                    points.Add(new CostQualityPoint(weight, swept.MeanCost, swept.Accuracy));
                }

                aiq = normalisation == AiqNormalisation.CostRange ? AreaUnderCurve.Aiq(points) : null;
            }

            summaries.Add(Summarise(run, workload, bestSingle, aiq, points));
        }

        foreach (var extra in extraRouters ?? [])
        {
            progress?.Invoke($"{extra.Name}: replaying {workload.Items.Count} queries, then AIQ over {extra.Grid.Count} values of λ");
            var run = engine.Run(extra.Create(null), null, extra.Name);
            var points = extra.Grid.Select(weight => engine.Run(extra.Create(weight), weight, extra.Name))
                .Select((swept, i) => new CostQualityPoint(extra.Grid[i], swept.MeanCost, swept.Accuracy)).ToArray();
            summaries.Add(Summarise(run, workload, bestSingle, normalisation == AiqNormalisation.CostRange ? AreaUnderCurve.Aiq(points) : null, points) with { Kind = extra.Kind });
        }

        var zeroPoints = ZeroRouter.SingleModelPoints(workload);
        summaries.Add(Summarise(bestSingle, workload, bestSingle, normalisation == AiqNormalisation.CostRange ? AreaUnderCurve.Aiq(zeroPoints) : null, zeroPoints)
            with { Policy = ZeroRouter.Name, Kind = "zero" });
        if (normalisation == AiqNormalisation.RouterBench)
        {
            // RouterBench extends every router's hull to the same c_max: the dearest hull point of any router in the report.
            var swept = Enumerable.Range(0, summaries.Count).Where(i => summaries[i].AiqPoints.Count > 0).ToArray();
            var aiqs = RouterBenchAiq.Aiq(swept.Select(i => summaries[i].AiqPoints).ToArray());
            for (var s = 0; s < swept.Length; s++)
            {
                summaries[swept[s]] = summaries[swept[s]] with { Aiq = aiqs[s] };
            }
        }

        return new ReplayReport(DateTimeOffset.UtcNow, workload.Source, workload.Format, workload.Items.Count,
            workload.Agents.Select(agent => agent.Name).ToArray(), workload.Load, settings, grid, bestAgent, summaries,
            warmup is null ? null : $"{warmup.Source} ({warmup.Items.Count} queries)", normalisation);
    }

    /// <summary>How to replay one entry at a given cost weight (null: the policy's or preset's own).</summary>
    private static Func<double?, PolicyRun> Runner(ReplayEngine engine, string name)
    {
        if (!IsPresetFile(name))
        {
            return weight => engine.Run(name, weight);
        }

        var preset = PolicyPresetLoader.LoadFile(name);
        var label = Path.GetFileNameWithoutExtension(name);
        return weight => engine.Run(preset.CreatePolicy(engine.Settings.Seed, weight), weight ?? preset.CostWeight, label);
    }

    private static PolicySummary Summarise(PolicyRun run, ReplayWorkload workload, PolicyRun bestSingle, double? aiq, IReadOnlyList<CostQualityPoint> points)
    {
        var traffic = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var agent = 0; agent < workload.Agents.Count; agent++)
        {
            traffic[workload.Agents[agent].Name] = run.PanelSlots == 0 ? 0 : (double)run.Traffic[agent] / run.PanelSlots;
        }

        return new PolicySummary(
            run.Policy,
            run.IsBaseline ? "baseline" : "online",
            run.Queries,
            run.Accuracy,
            run.TotalCost,
            run.MeanCost,
            bestSingle.TotalCost > 0 ? run.TotalCost / bestSingle.TotalCost : 0,
            bestSingle.Accuracy > 0 ? run.Accuracy / bestSingle.Accuracy : 0,
            aiq,
            points,
            run.CumulativeRegret,
            run.RegretCurve,
            traffic,
            run.MeanDecisionMicroseconds,
            run.Abstained,
            run.GoldFallbacks);
    }
}
