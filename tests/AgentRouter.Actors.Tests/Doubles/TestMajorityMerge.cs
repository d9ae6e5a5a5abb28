using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Tests.Doubles;

/// <summary>Test double: a plain plurality vote (ties to the better-ranked member). The production strategies
/// live in AgentRouter.Core.Merging (MergeCatalog); this keeps the actor tests independent of them.</summary>
internal sealed class TestMajorityMerge : IMergeStrategy
{
    public string Name => "majority";

    public static IMergeStrategy Resolve(string name) => name switch
    {
        "majority" => new TestMajorityMerge(),
        "throwing" => new ThrowingMerge(),
        _ => throw new ArgumentException($"Unknown merge strategy '{name}'.", nameof(name)),
    };

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        var votes = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var analysis in analyses)
        {
            if (analysis.Choice is { } choice)
            {
                votes[choice] = votes.GetValueOrDefault(choice) + 1;
            }
        }

        if (votes.Count == 0)
        {
            return new MergeResult(Name, null, "", null, votes, "every member abstained");
        }

        var best = votes.Max(v => v.Value);
        var rank = context.Ranking.ToList();
        var winner = analyses
            .Where(a => a.Choice is not null && votes[a.Choice] == best)
            .OrderBy(a => rank.IndexOf(a.Agent) is var i && i < 0 ? int.MaxValue : i)
            .First().Choice!;
        return new MergeResult(Name, winner, winner, null, votes, $"{best} of {analyses.Count} voted {winner}");
    }

    private sealed class ThrowingMerge : IMergeStrategy
    {
        public string Name => "throwing";

        public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context) =>
            throw new InvalidOperationException("merge defect for the test");
    }
}
