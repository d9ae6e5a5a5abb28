namespace AgentRouter.Core.Suite.Domains;

/// <summary>Two string tasks, alternating at random: "reverse kqbz?" (word of 3, 5 or 7 letters) and
/// "first alphabetically: qbzh?" (4, 6 or 8 distinct letters; options are letters of the word).</summary>
internal sealed class StringQuestions : IQuestionMaker
{
    public string Domain => SuiteDomains.Strings;

    public QuestionDraft? TryMake(SuiteRandom random, int difficulty) =>
        random.Coin() ? MakeReverse(random, difficulty) : MakeFirstLetter(random, difficulty);

    private static QuestionDraft? MakeReverse(SuiteRandom random, int difficulty)
    {
        var length = 2 * difficulty + 1;
        var word = new string(Enumerable.Range(0, length).Select(_ => random.Letter()).ToArray());
        var reversed = Reverse(word);
        var candidates = new List<string> { word };
        for (var i = 0; i + 1 < length; i++)
        {
            candidates.Add(SwapAdjacent(reversed, i));
        }

        candidates.Add(reversed[1..] + reversed[0]);
        candidates.Add(reversed[^1] + reversed[..^1]);
        return QuestionDraft.FromCandidates(random, $"reverse {word}?", reversed, candidates);
    }

    private static QuestionDraft? MakeFirstLetter(SuiteRandom random, int difficulty)
    {
        var length = 2 * difficulty + 2;
        var alphabet = Enumerable.Range(0, 26).Select(i => (char)('a' + i)).ToList();
        var letters = random.Sample(alphabet, length);
        var word = new string(letters.ToArray());
        var first = letters.Min();
        return QuestionDraft.FromCandidates(
            random,
            $"first alphabetically: {word}?",
            first.ToString(),
            letters.Where(letter => letter != first).Select(letter => letter.ToString()));
    }

    private static string Reverse(string word)
    {
        var characters = word.ToCharArray();
        Array.Reverse(characters);
        return new string(characters);
    }

    private static string SwapAdjacent(string word, int index)
    {
        var characters = word.ToCharArray();
        (characters[index], characters[index + 1]) = (characters[index + 1], characters[index]);
        return new string(characters);
    }
}
