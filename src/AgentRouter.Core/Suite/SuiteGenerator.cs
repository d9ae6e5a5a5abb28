using AgentRouter.Core.Suite.Domains;

namespace AgentRouter.Core.Suite;

/// <summary>Seeded generator of the task suite's discrete-choice questions.</summary>
public static class SuiteGenerator
{
    /// <summary>Draws per item before giving up: only reached when a cell's question space is nearly used up.</summary>
    private const int MaxDrawsPerItem = 10_000;

    private static readonly IReadOnlyDictionary<string, IQuestionMaker> Makers =
        new IQuestionMaker[]
        {
            new ArithmeticQuestions(), new StringQuestions(), new ComparisonQuestions(), new CountingQuestions(), new SequenceQuestions(),
        }.ToDictionary(maker => maker.Domain, StringComparer.Ordinal);

    /// <exception cref="ArgumentException">Unknown domain, invalid difficulty or a negative count.</exception>
    /// <exception cref="SuiteGenerationException">Not enough distinct questions in some cell for the count.</exception>
    public static IReadOnlyList<SuiteItem> Generate(SuiteGenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var domains = Validate(options);
        var difficulties = options.Difficulties ?? SuiteDomains.Difficulties;
        var random = new SuiteRandom(options.Seed);
        var seenQuestions = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<SuiteItem>(options.Count);
        for (var index = 0; index < options.Count; index++)
        {
            // Domain cycles fastest so that any prefix covers every domain, then every difficulty.
            var domain = domains[index % domains.Count];
            var difficulty = difficulties[index / domains.Count % difficulties.Count];
            items.Add(NextItem(random, Makers[domain], difficulty, options.Split, seenQuestions));
        }

        return items;
    }

    private static SuiteItem NextItem(
        SuiteRandom random, IQuestionMaker maker, int difficulty, SuiteSplitFilter split, HashSet<string> seenQuestions)
    {
        for (var draw = 0; draw < MaxDrawsPerItem; draw++)
        {
            var draft = maker.TryMake(random, difficulty);
            if (draft is null || !split.Admits(SuiteSplits.Of(draft.Question)) || !seenQuestions.Add(draft.Question))
            {
                continue;
            }

            var options = new List<string>(draft.Distractors) { draft.Correct };
            random.Shuffle(options);
            var answer = SuitePrompt.Letters[options.IndexOf(draft.Correct)];
            return new SuiteItem(SuiteItem.IdFor(maker.Domain, draft.Question), maker.Domain, difficulty, draft.Question, options, answer);
        }

        throw new SuiteGenerationException(
            $"Could not draw a new distinct {maker.Domain} question of difficulty {difficulty} for the {split} split " +
            $"after {MaxDrawsPerItem} tries; ask for fewer items.");
    }

    private static IReadOnlyList<string> Validate(SuiteGenerationOptions options)
    {
        if (options.Count < 0)
        {
            throw new ArgumentException($"Count must be zero or more, got {options.Count}.", nameof(options));
        }

        var domains = options.Domains ?? SuiteDomains.All;
        if (domains.Count == 0)
        {
            throw new ArgumentException("At least one domain is needed.", nameof(options));
        }

        foreach (var domain in domains.Where(domain => !SuiteDomains.IsKnown(domain)))
        {
            throw new ArgumentException(
                $"Unknown suite domain '{domain}'. Known domains: {string.Join(", ", SuiteDomains.All)}.", nameof(options));
        }

        var difficulties = options.Difficulties ?? SuiteDomains.Difficulties;
        if (difficulties.Count == 0)
        {
            throw new ArgumentException("At least one difficulty is needed.", nameof(options));
        }

        foreach (var difficulty in difficulties.Where(difficulty => !SuiteDomains.IsValidDifficulty(difficulty)))
        {
            throw new ArgumentException(
                $"Difficulty {difficulty} is outside {SuiteDomains.MinDifficulty}..{SuiteDomains.MaxDifficulty}.", nameof(options));
        }

        return domains;
    }
}
