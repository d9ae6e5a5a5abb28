namespace AgentRouter.Core.Suite.Domains;

/// <summary>A question before its options are shuffled into letters.</summary>
internal sealed record QuestionDraft(string Question, string Correct, IReadOnlyList<string> Distractors)
{
    public const int DistractorCount = 3;

    /// <summary>Keeps the plausible wrong answers that are distinct from the correct one and from each other,
    /// and samples three of them; null when fewer than three remain (the caller draws a new question).</summary>
    public static QuestionDraft? FromCandidates(SuiteRandom random, string question, string correct, IEnumerable<string> candidates)
    {
        var distinct = candidates
            .Where(candidate => candidate.Length > 0 && !string.Equals(candidate, correct, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return distinct.Count < DistractorCount
            ? null
            : new QuestionDraft(question, correct, random.Sample(distinct, DistractorCount));
    }
}

/// <summary>Numeric drafts whose distractors are chosen so that the correct answer is equally likely to be the
/// smallest, second, third or largest option: nearby values on both sides would otherwise make "pick the
/// middle one" a shortcut that needs no arithmetic.</summary>
internal static class NumericDraft
{
    public static QuestionDraft? FromCandidates(SuiteRandom random, string question, int correct, IEnumerable<int> candidates)
    {
        var distinct = candidates.Where(candidate => candidate >= 0 && candidate != correct).Distinct().ToList();
        var below = distinct.Where(candidate => candidate < correct).ToList();
        var above = distinct.Where(candidate => candidate > correct).ToList();
        var feasibleRanks = Enumerable.Range(0, QuestionDraft.DistractorCount + 1)
            .Where(rank => below.Count >= rank && above.Count >= QuestionDraft.DistractorCount - rank)
            .ToList();
        if (feasibleRanks.Count == 0)
        {
            return null;
        }

        var belowCount = random.Pick(feasibleRanks);
        var chosen = random.Sample(below, belowCount).Concat(random.Sample(above, QuestionDraft.DistractorCount - belowCount));
        return new QuestionDraft(question, Text(correct), chosen.Select(Text).ToList());
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Makes questions of one domain.</summary>
internal interface IQuestionMaker
{
    string Domain { get; }

    /// <summary>A new random question, or null when this draw cannot give four distinct options.</summary>
    QuestionDraft? TryMake(SuiteRandom random, int difficulty);
}
