using System.Globalization;

namespace AgentRouter.Core.Suite.Domains;

/// <summary>"next: 3,7,11,15,?": difficulty 1 is an arithmetic progression with a small step (up or down),
/// 2 one with a 3-digit start and 2-digit step, 3 one with a 4-digit start whose step grows by a constant
/// each term.
/// Distractors apply the wrong step.</summary>
internal sealed class SequenceQuestions : IQuestionMaker
{
    private const int ShownTerms = 4;

    public string Domain => SuiteDomains.Sequence;

    public QuestionDraft? TryMake(SuiteRandom random, int difficulty)
    {
        var (start, step, growth) = difficulty switch
        {
            1 => (random.Between(0, 299), random.Between(1, 19) * (random.Coin() ? 1 : -1), 0),
            2 => (random.Between(100, 999), random.Between(11, 99), 0),
            _ => (random.Between(1000, 9999), random.Between(1, 29), random.Between(1, 9)),
        };

        var terms = new List<int> { start };
        var currentStep = step;
        for (var i = 0; i < ShownTerms; i++)
        {
            terms.Add(terms[^1] + currentStep);
            currentStep += growth;
        }

        if (terms.Any(term => term < 0))
        {
            return null;
        }

        var next = terms[^1];
        var shown = terms.Take(ShownTerms).ToList();
        var lastStep = shown[^1] - shown[^2];
        var firstStep = shown[1] - shown[0];
        var candidates = new[]
        {
            shown[^1] + lastStep, shown[^1] + firstStep, next + growth, next + currentStep, next + 1, next - 1,
            next + 2, next - 2, next + 10, next - 10, next - step,
        };
        return NumericDraft.FromCandidates(random, $"next: {string.Join(',', shown.Select(Text))},?", next, candidates);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
