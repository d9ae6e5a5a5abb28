using System.Globalization;

namespace AgentRouter.Core.Suite.Domains;

/// <summary>"largest: 47,12,85,33?" or "smallest: ...": 4, 5 or 6 distinct numbers of up to 2, 3 or 4 digits.
/// The options are members of the list, always including the runner-up, so reading the list is not enough.</summary>
internal sealed class ComparisonQuestions : IQuestionMaker
{
    public string Domain => SuiteDomains.Comparison;

    public QuestionDraft? TryMake(SuiteRandom random, int difficulty)
    {
        var count = difficulty + 3;
        var high = difficulty switch { 1 => 99, 2 => 999, _ => 9999 };
        var numbers = new List<int>();
        while (numbers.Count < count)
        {
            var value = random.Between(1, high);
            if (!numbers.Contains(value))
            {
                numbers.Add(value);
            }
        }

        var largest = random.Coin();
        var ordered = largest ? numbers.OrderDescending().ToList() : numbers.Order().ToList();
        var question = $"{(largest ? "largest" : "smallest")}: {string.Join(',', numbers.Select(Text))}?";
        var runnerUp = Text(ordered[1]);
        var others = random.Sample(ordered.Skip(2).Select(Text).ToList(), 2);
        return QuestionDraft.FromCandidates(random, question, Text(ordered[0]), [runnerUp, .. others]);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
