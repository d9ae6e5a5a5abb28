using AgentRouter.Core.Merging;

namespace AgentRouter.Cluster.Hosting;

/// <summary>The merge a node uses when its options register none: a plurality vote over the members' choices,
/// ties broken by the policy's ranking. (The merge-strategy catalogue of the routing core replaces it once a
/// node is given one through <c>AgentRouterOptions.MergeStrategies</c>.)</summary>
public sealed class MajorityMerge : IMergeStrategy
{
    public const string StrategyName = "majority";

    public string Name => StrategyName;

    public static IMergeStrategy Resolve(string name) =>
        string.Equals(name, StrategyName, StringComparison.OrdinalIgnoreCase)
            ? new MajorityMerge()
            : throw new ArgumentException($"Unknown merge strategy '{name}': this node only has '{StrategyName}'.", nameof(name));

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        var votes = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var analysis in analyses)
        {
            if (analysis.Choice is { } choice)
            {
                votes[choice] = votes.GetValueOrDefault(choice) + 1;
            }
        }

        if (votes.Count == 0)
        {
            return new MergeResult(Name, null, "every member abstained", null, votes, "no member gave a choice");
        }

        var best = votes.Values.Max();
        int Rank(AgentAnalysis a)
        {
            var index = context.Ranking.ToList().IndexOf(a.Agent);
            return index < 0 ? int.MaxValue : index;
        }

        var winner = analyses.Where(a => a.Choice is not null && votes[a.Choice] == best).OrderBy(Rank).First();
        return new MergeResult(Name, winner.Choice, winner.Text, null, votes, $"plurality: {winner.Choice} with {best} of {analyses.Count} votes");
    }
}
