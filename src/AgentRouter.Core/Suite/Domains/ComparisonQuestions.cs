using System.Globalization;

namespace AgentRouter.Core.Suite.Domains;

/// <summary>"largest: 47,12,85,33?" or "smallest: ...": 4, 5 or 6 distinct numbers of up to 2, 3 or 4 digits.
/// Distractors are the runner-up and other members of the list. Difficulty 1 tests the comparison alone: every option
/// is in the list, so the extreme option is the answer. From difficulty 2 "impostors" are mixed in: near-misses that
/// are not in the list but would beat the answer; their number is drawn uniformly from 0..3, so the extreme option is
/// right only a quarter of the time and the list has to be read.</summary>
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
        var direction = largest ? 1 : -1;
        var ordered = largest ? numbers.OrderDescending().ToList() : numbers.Order().ToList();
        var answer = ordered[0];
        var impostors = new[] { 1, 2, 3, 5, 7, 9, 10, 11, 100 }
            .Select(offset => answer + direction * offset)
            .Where(value => value >= 1 && value <= high && !numbers.Contains(value))
            .ToList();
        var impostorCount = difficulty == 1 ? 0 : random.Between(0, QuestionDraft.DistractorCount);
        if (impostors.Count < impostorCount)
        {
            // Redraw rather than settle for fewer impostors, which would skew the answer towards the extreme option.
            return null;
        }

        var members = new List<int> { ordered[1] };
        members.AddRange(random.Sample(ordered.Skip(2).ToList(), QuestionDraft.DistractorCount - 1));
        var distractors = random.Sample(impostors, impostorCount).Concat(members.Take(QuestionDraft.DistractorCount - impostorCount));

        var question = $"{(largest ? "largest" : "smallest")}: {string.Join(',', numbers.Select(Text))}?";
        return new QuestionDraft(question, Text(answer), distractors.Select(Text).ToList());
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
