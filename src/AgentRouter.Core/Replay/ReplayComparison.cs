using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Replay;

/// <summary>One policy's line in the report.</summary>
/// <param name="CostVsBestSingle">Total cost divided by the best single agent's total cost.</param>
/// <param name="AccuracyVsBestSingle">Accuracy divided by the best single agent's accuracy.</param>
/// <param name="Aiq">AIQ over the λ grid; null for baselines (they have no cost weight).</param>
/// <param name="TrafficShare">Fraction of panel slots per agent.</param>
public sealed record PolicySummary(
    string Policy,
    string Kind,
    int Queries,
    double Accuracy,
    double TotalCost,
    double MeanCost,
    double CostVsBestSingle,
    double AccuracyVsBestSingle,
    double? Aiq,
    IReadOnlyList<CostQualityPoint> AiqPoints,
    double CumulativeRegret,
    IReadOnlyList<double> RegretCurve,
    IReadOnlyDictionary<string, double> TrafficShare,
    double MeanDecisionMicroseconds,
    int Abstained,
    int GoldFallbacks);

/// <summary>Everything a replay produced, ready to be written out.</summary>
public sealed record ReplayReport(
    DateTimeOffset CreatedAt,
    string Source,
    string Format,
    int Queries,
    IReadOnlyList<string> Agents,
    ReplayLoadReport Load,
    ReplaySettings Settings,
    IReadOnlyList<double> AiqGrid,
    string BestSingleAgent,
    IReadOnlyList<PolicySummary> Policies);

/// <summary>Runs a list of policies and baselines over one workload and summarises them.</summary>
public static class ReplayComparison
{
    /// <summary>Online policies the replay runs by default, in report order (those registered at run time).</summary>
    public static IReadOnlyList<string> DefaultOnlinePolicies { get; } =
        ["ema", "ema-lex", "pheromone", "ucb1", "thompson", "epsilon", "linucb", "random"];

    public static IReadOnlyList<string> DefaultPolicies() =>
        DefaultOnlinePolicies.Where(PolicyCatalog.IsKnown).Concat(ReplayBaselines.Names).ToArray();

    /// <exception cref="ArgumentException">A name is neither a registered policy nor a replay baseline.</exception>
    public static void Validate(IEnumerable<string> policies)
    {
        foreach (var name in policies)
        {
            if (!ReplayBaselines.IsBaseline(name) && !PolicyCatalog.IsKnown(name))
            {
                throw new ArgumentException(
                    $"Unknown policy '{name}'. Known: {string.Join(", ", PolicyCatalog.Names.Order().Concat(ReplayBaselines.Names))}.");
            }
        }
    }

    public static ReplayReport Run(
        ReplayWorkload workload, ReplaySettings settings, IReadOnlyList<string> policies,
        IReadOnlyList<double>? aiqGrid = null, Action<string>? progress = null)
    {
        Validate(policies);
        var grid = aiqGrid ?? ReplaySettings.DefaultAiqGrid;
        var engine = new ReplayEngine(workload, settings);
        progress?.Invoke($"best-single reference ({workload.Items.Count} queries)");
        var bestSingle = engine.Run(ReplayBaselines.BestSingle);
        var bestAgent = ReplayBaselines.BestSingleRanking(workload)[0];

        var summaries = new List<PolicySummary>();
        foreach (var name in policies)
        {
            progress?.Invoke($"{name}: replaying {workload.Items.Count} queries" + (ReplayBaselines.IsBaseline(name) ? string.Empty : $", then AIQ over {grid.Count} cost weights"));
            var run = ReplayBaselines.IsBaseline(name) && string.Equals(name, ReplayBaselines.BestSingle, StringComparison.OrdinalIgnoreCase) ? bestSingle : engine.Run(name);
            var points = new List<CostQualityPoint>();
            double? aiq = null;
            if (!run.IsBaseline)
            {
                foreach (var weight in grid)
                {
                    var swept = engine.Run(name, weight);
                    points.Add(new CostQualityPoint(weight, swept.MeanCost, swept.Accuracy));
                }

                aiq = AreaUnderCurve.Aiq(points);
            }

            summaries.Add(Summarise(run, workload, bestSingle, aiq, points));
        }

        return new ReplayReport(DateTimeOffset.UtcNow, workload.Source, workload.Format, workload.Items.Count,
            workload.Agents.Select(agent => agent.Name).ToArray(), workload.Load, settings, grid, bestAgent, summaries);
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
