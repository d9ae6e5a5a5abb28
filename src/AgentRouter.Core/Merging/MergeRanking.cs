using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Merging;

/// <summary>Panel order helpers shared by the merges.</summary>
internal static class MergeRanking
{
    /// <summary>Position in the policy's ranking; members missing from it rank after everyone, in panel order.</summary>
    public static int RankOf(string agent, MergeContext context, IReadOnlyList<AgentAnalysis> analyses)
    {
        for (var i = 0; i < context.Ranking.Count; i++)
        {
            if (context.Ranking[i] == agent)
            {
                return i;
            }
        }

        for (var i = 0; i < analyses.Count; i++)
        {
            if (analyses[i].Agent == agent)
            {
                return context.Ranking.Count + i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>The best-ranked succeeded member's answer, as is (free-form tasks).</summary>
    public static MergeResult PickBestRanked(string strategy, IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        AgentAnalysis? best = null;
        var bestRank = int.MaxValue;
        for (var i = 0; i < analyses.Count; i++)
        {
            var analysis = analyses[i];
            if (analysis.Status != OutcomeStatus.Succeeded)
            {
                continue;
            }

            var rank = RankOf(analysis.Agent, context, analyses);
            if (best is null || rank < bestRank)
            {
                (best, bestRank) = (analysis, rank);
            }
        }

        var empty = new VoteTally(0);
        return best is null
            ? new MergeResult(strategy, null, string.Empty, null, empty, "free-form task and no member succeeded")
            : new MergeResult(strategy, best.Choice, best.Text, best.Agent, empty, $"free-form task: took the best-ranked member '{best.Agent}'");
    }
}
