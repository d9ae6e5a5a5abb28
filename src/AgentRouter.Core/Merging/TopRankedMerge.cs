using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Merging;

/// <summary>Takes the answer of the best-ranked member that did not abstain or fail.</summary>
public sealed class TopRankedMerge : IMergeStrategy
{
    public string Name => "top-ranked";

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        if (context.Options is null)
        {
            return MergeRanking.PickBestRanked(Name, analyses, context);
        }

        AgentAnalysis? best = null;
        var bestRank = int.MaxValue;
        foreach (var analysis in analyses)
        {
            if (analysis.Status != OutcomeStatus.Succeeded || analysis.Choice is null)
            {
                continue;
            }

            var rank = MergeRanking.RankOf(analysis.Agent, context, analyses);
            if (rank < bestRank)
            {
                (best, bestRank) = (analysis, rank);
            }
        }

        if (best?.Choice is not { } choice)
        {
            return new MergeResult(Name, null, string.Empty, null, new Dictionary<string, double>(), "every member abstained or failed");
        }

        return new MergeResult(Name, choice, best.Text, best.Agent, new Dictionary<string, double> { [choice] = 1 },
            $"took '{best.Agent}', the best-ranked member with a parseable answer");
    }
}
