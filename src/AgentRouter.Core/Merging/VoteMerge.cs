using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Merging;

/// <summary>Shared shape of the voting merges: each succeeded member adds weight to option letters; the
/// heaviest letter wins and a tie goes to the letter backed by the best-ranked member. Members that
/// abstained, failed or timed out add nothing; when nobody voted the panel abstains. Free-form tasks
/// (no options in the context) have nothing to vote on, so the best-ranked succeeded member's answer is taken.</summary>
public abstract class VoteMerge : IMergeStrategy
{
    public abstract string Name { get; }

    /// <summary>Adds this member's weight per option letter to <paramref name="votes"/>.</summary>
    protected abstract void AddVotes(AgentAnalysis analysis, MergeContext context, Dictionary<string, double> votes);

    protected abstract string Describe();

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        if (context.Options is null)
        {
            return MergeRanking.PickBestRanked(Name, analyses, context);
        }

        var votes = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var analysis in analyses)
        {
            if (analysis.Status == OutcomeStatus.Succeeded)
            {
                AddVotes(analysis, context, votes);
            }
        }

        string? winner = null;
        var winnerWeight = 0.0;
        var winnerRank = int.MaxValue;
        foreach (var (letter, weight) in votes)
        {
            if (weight <= 0)
            {
                continue;
            }

            var rank = BestSupporterRank(letter, analyses, context);
            if (winner is null || weight > winnerWeight || (weight == winnerWeight && rank < winnerRank))
            {
                (winner, winnerWeight, winnerRank) = (letter, weight, rank);
            }
        }

        if (winner is null)
        {
            return new MergeResult(Name, null, string.Empty, null, votes, "every member abstained or failed");
        }

        return new MergeResult(Name, winner, winner, null, votes, $"{Describe()}; '{winner}' won with {winnerWeight:0.###}");
    }

    private static int BestSupporterRank(string letter, IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        var best = int.MaxValue;
        foreach (var analysis in analyses)
        {
            if (analysis.Choice == letter)
            {
                best = Math.Min(best, MergeRanking.RankOf(analysis.Agent, context, analyses));
            }
        }

        return best;
    }
}
