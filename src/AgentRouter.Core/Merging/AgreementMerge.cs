using System.Globalization;
using System.Text;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Merging;

/// <summary>
/// A model-free merge for free text: the answer closest to the others. Answers are normalised (case, whitespace,
/// surrounding punctuation; the process may run with invariant globalization, so no Unicode normalization form); when one normalised answer is given by more members than any other it wins;
/// otherwise each answer scores its mean token-overlap similarity (Dice coefficient over word multisets) with the rest
/// and the highest wins. Ties go to the best-ranked member. Multiple-choice panels get a plain majority vote.
/// </summary>
public sealed class AgreementMerge : IMergeStrategy
{
    public string Name => "agreement";

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        ArgumentNullException.ThrowIfNull(analyses);
        ArgumentNullException.ThrowIfNull(context.Ranking, nameof(context)); // a default MergeContext has no ranking
        if (context.Options is not null)
        {
            return new MajorityMerge().Merge(analyses, context) with { Strategy = Name };
        }

        var answered = analyses.Where(a => a.Status == OutcomeStatus.Succeeded && !string.IsNullOrWhiteSpace(a.Text))
            .OrderBy(a => MergeRanking.RankOf(a.Agent, context, analyses))
            .ToList();
        if (answered.Count == 0)
        {
            return new MergeResult(Name, null, string.Empty, null, new Dictionary<string, double>(), "every member abstained or failed");
        }

        var normalised = answered.Select(a => Normalise(a.Text)).ToList();
        var groups = normalised.GroupBy(text => text, StringComparer.Ordinal).Select(group => (Text: group.Key, Count: group.Count()))
            .OrderByDescending(group => group.Count).ToList();
        if (groups[0].Count > 1 && (groups.Count == 1 || groups[1].Count < groups[0].Count))
        {
            var winner = answered[normalised.IndexOf(groups[0].Text)];
            return Result(winner, $"{groups[0].Count} of {answered.Count} answers are the same once normalised; took '{winner.Agent}' (best-ranked of them)");
        }

        var tokens = normalised.Select(Tokens).ToList();
        var scores = new double[answered.Count];
        for (var i = 0; i < answered.Count; i++)
        {
            for (var j = 0; j < answered.Count; j++)
            {
                if (i != j)
                {
                    scores[i] += Similarity(tokens[i], tokens[j]);
                }
            }

            scores[i] = answered.Count > 1 ? scores[i] / (answered.Count - 1) : 1.0;
        }

        // Strictly greater keeps the best-ranked member on ties (the list is in rank order).
        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best] + 1e-12)
            {
                best = i;
            }
        }

        return Result(answered[best], $"no answer was given twice; took '{answered[best].Agent}', whose words overlap most with the others (mean similarity {scores[best].ToString("0.###", CultureInfo.InvariantCulture)})");
    }

    /// <summary>Lower case, runs of whitespace as one space, no punctuation at either end.</summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = text.ToLowerInvariant();
        var collapsed = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c))
            {
                if (collapsed.Length > 0 && collapsed[^1] != ' ')
                {
                    collapsed.Append(' ');
                }
            }
            else
            {
                collapsed.Append(c);
            }
        }

        return collapsed.ToString().Trim().Trim(TrimmedPunctuation).Trim();
    }

    /// <summary>The Dice coefficient of two word multisets: 2·|A∩B| / (|A|+|B|), 1 for two empty answers.</summary>
    public static double Similarity(IReadOnlyDictionary<string, int> left, IReadOnlyDictionary<string, int> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var leftCount = left.Values.Sum();
        var rightCount = right.Values.Sum();
        if (leftCount + rightCount == 0)
        {
            return 1.0;
        }

        var shared = left.Sum(pair => right.TryGetValue(pair.Key, out var count) ? Math.Min(pair.Value, count) : 0);
        return 2.0 * shared / (leftCount + rightCount);
    }

    /// <summary>Words of a normalised answer: runs of letters or digits.</summary>
    public static Dictionary<string, int> Tokens(string normalised)
    {
        ArgumentNullException.ThrowIfNull(normalised);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var word = new StringBuilder();
        foreach (var c in normalised + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            if (word.Length > 0)
            {
                var key = word.ToString();
                counts[key] = counts.GetValueOrDefault(key) + 1;
                word.Clear();
            }
        }

        return counts;
    }

    private static readonly char[] TrimmedPunctuation = ['.', ',', ';', ':', '!', '?', '"', '\'', '`', '(', ')', '[', ']', '*'];

    private MergeResult Result(AgentAnalysis winner, string rationale) =>
        new(Name, winner.Choice, winner.Text, winner.Agent, new Dictionary<string, double>(), rationale);
}
