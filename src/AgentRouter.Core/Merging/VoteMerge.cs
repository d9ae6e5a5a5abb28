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
    protected abstract void AddVotes(AgentAnalysis analysis, MergeContext context, VoteTally votes);

    protected abstract string Describe();

    /// <summary>Whole-number wins ("'B' won with 2") are the usual outcome of a majority vote; their rationale is
    /// formatted once per letter and weight and then reused, so the hot path formats no strings. Indexed by
    /// letter (A..J) and weight (1..<see cref="CachedWholeWeights"/>); racing writers store equal strings.</summary>
    private readonly string?[] _wholeWeightRationales = new string?[CachedLetters * CachedWholeWeights];

    private const int CachedLetters = 10;

    private const int CachedWholeWeights = 16;

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        if (context.Options is null)
        {
            return MergeRanking.PickBestRanked(Name, analyses, context);
        }

        var votes = new VoteTally(analyses.Count);
        for (var i = 0; i < analyses.Count; i++)
        {
            var analysis = analyses[i];
            if (analysis.Status == OutcomeStatus.Succeeded)
            {
                AddVotes(analysis, context, votes);
            }
        }

        string? winner = null;
        var winnerWeight = 0.0;
        var winnerRank = int.MaxValue;
        for (var i = 0; i < votes.Count; i++)
        {
            var weight = votes.WeightAt(i);
            if (weight <= 0)
            {
                continue;
            }

            var letter = votes.LetterAt(i);
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

        return new MergeResult(Name, winner, winner, null, votes, Rationale(winner, winnerWeight));
    }

    private string Rationale(string winner, double winnerWeight)
    {
        var letterIndex = winner.Length == 1 ? winner[0] - 'A' : -1;
        var wholeWeight = (int)winnerWeight;
        if (letterIndex is < 0 or >= CachedLetters || wholeWeight != winnerWeight || wholeWeight is < 1 or > CachedWholeWeights)
        {
            return Format(winner, winnerWeight);
        }

        var slot = (letterIndex * CachedWholeWeights) + wholeWeight - 1;
        return _wholeWeightRationales[slot] ??= Format(winner, winnerWeight);
    }

    private string Format(string winner, double winnerWeight) => $"{Describe()}; '{winner}' won with {winnerWeight:0.###}";

    private static int BestSupporterRank(string letter, IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        var best = int.MaxValue;
        for (var i = 0; i < analyses.Count; i++)
        {
            var analysis = analyses[i];
            if (analysis.Choice == letter)
            {
                best = Math.Min(best, MergeRanking.RankOf(analysis.Agent, context, analyses));
            }
        }

        return best;
    }
}
