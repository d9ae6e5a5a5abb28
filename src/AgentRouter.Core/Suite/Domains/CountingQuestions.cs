namespace AgentRouter.Core.Suite.Domains;

/// <summary>"count b in abacab?": a string of 6, 9 or 12 characters over a random 2- or 3-letter alphabet
/// (small, so that counts are often large enough to have wrong answers on both sides); distractors are nearby counts.</summary>
internal sealed class CountingQuestions : IQuestionMaker
{
    public string Domain => SuiteDomains.Counting;

    public QuestionDraft? TryMake(SuiteRandom random, int difficulty)
    {
        var length = 3 * difficulty + 3;
        var alphabetSize = difficulty == 1 ? 2 : 3;
        var alphabet = random.Sample(Enumerable.Range(0, 26).Select(i => (char)('a' + i)).ToList(), alphabetSize);
        var text = new string(Enumerable.Range(0, length).Select(_ => random.Pick(alphabet)).ToArray());
        var target = random.Pick(alphabet);
        var count = text.Count(character => character == target);
        var candidates = Enumerable.Range(count - 3, 7).Where(value => value <= length);
        return NumericDraft.FromCandidates(random, $"count {target} in {text}?", count, candidates);
    }
}
