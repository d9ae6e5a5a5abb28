namespace AgentRouter.Core.Suite.Domains;

/// <summary>Two string tasks, alternating at random: "reverse kqbz?" (word of 3, 5 or 7 letters) and
/// "first alphabetically: qbzh?" (4, 6 or 8 distinct letters; options are letters of the word and, from
/// difficulty 2, earlier letters that are not in it).</summary>
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
            // Swaps of the word as well as of its reversal, so the correct option is not the lone centre that
            // every distractor is one swap away from.
            candidates.Add(SwapAdjacent(reversed, i));
            candidates.Add(SwapAdjacent(word, i));
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

        // From difficulty 2, impostors are earlier letters missing from the word: without them the answer is always
        // the alphabetically first option, which is the whole of difficulty 1 (ordering letters), while harder
        // levels also need the word read.
        var impostors = alphabet.Where(letter => letter < first).ToList();
        var impostorCount = difficulty == 1 ? 0 : random.Between(0, QuestionDraft.DistractorCount);
        if (impostors.Count < impostorCount)
        {
            // Redraw rather than settle for fewer impostors, which would skew the answer towards the extreme option.
            return null;
        }

        var members = random.Sample(letters.Where(letter => letter != first).ToList(), QuestionDraft.DistractorCount - impostorCount);
        var distractors = random.Sample(impostors, impostorCount).Concat(members);
        return new QuestionDraft($"first alphabetically: {word}?", first.ToString(), distractors.Select(letter => letter.ToString()).ToList());
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
