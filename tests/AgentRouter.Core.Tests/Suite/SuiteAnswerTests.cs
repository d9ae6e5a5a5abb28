using System.Globalization;
using System.Text.RegularExpressions;
using AgentRouter.Core.Suite;

namespace AgentRouter.Core.Tests.Suite;

/// <summary>Solves every generated question from its text alone, with code independent of the generator, and
/// checks that the gold letter names the one option equal to that answer.</summary>
public sealed partial class SuiteAnswerTests
{
    private static readonly IReadOnlyList<SuiteItem> Items =
        SuiteGenerator.Generate(new SuiteGenerationOptions(3000, Seed: 2024))
            .Concat(SuiteGenerator.Generate(new SuiteGenerationOptions(750, Seed: 77, Split: SuiteSplitFilter.Test)))
            .ToList();

    public static TheoryData<string> Domains => new(SuiteDomains.All);

    [Theory]
    [MemberData(nameof(Domains))]
    public void GoldLetterIsTheOnlyCorrectOption(string domain)
    {
        var items = Items.Where(item => item.Domain == domain).ToList();
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            var expected = Solve(item.Question);
            var matching = Enumerable.Range(0, 4).Where(i => item.Options[i] == expected).ToList();
            Assert.True(matching.Count == 1, $"{item.Question}: expected '{expected}' exactly once in [{string.Join(", ", item.Options)}]");
            Assert.Equal(SuitePrompt.Letters[matching[0]], item.Answer);
        }
    }

    [Theory]
    [MemberData(nameof(Domains))]
    public void HarderItemsAreLonger(string domain)
    {
        var meanLength = SuiteDomains.Difficulties
            .Select(difficulty => Items.Where(item => item.Domain == domain && item.Difficulty == difficulty).Average(item => item.Question.Length))
            .ToList();

        Assert.True(meanLength[0] < meanLength[1] && meanLength[1] < meanLength[2], $"mean lengths {string.Join(", ", meanLength)}");
    }

    [Fact]
    public void OptionsHaveTheShapeOfAnAnswer()
    {
        foreach (var item in Items)
        {
            switch (item.Domain)
            {
                case SuiteDomains.Strings when item.Question.StartsWith("reverse", StringComparison.Ordinal):
                    var word = ReverseQuestion().Match(item.Question).Groups[1].Value;
                    Assert.All(item.Options, option => Assert.Equal(word.Order(), option.Order()));
                    break;
                case SuiteDomains.Strings:
                    // A letter of the word, or an earlier letter that is missing from it.
                    var letters = FirstLetterQuestion().Match(item.Question).Groups[1].Value;
                    Assert.All(item.Options, option => Assert.True(
                        option.Length == 1 && char.IsAsciiLetterLower(option[0]) && (letters.Contains(option[0], StringComparison.Ordinal) || option[0] < letters.Min()),
                        $"{item.Question}: option '{option}'"));
                    break;
                default:
                    Assert.All(item.Options, option => Assert.True(int.TryParse(option, NumberStyles.None, CultureInfo.InvariantCulture, out _), option));
                    break;
            }
        }
    }

    private static string Solve(string question)
    {
        if (ArithmeticQuestion().Match(question) is { Success: true } arithmetic)
        {
            var a = long.Parse(arithmetic.Groups[1].Value, CultureInfo.InvariantCulture);
            var b = long.Parse(arithmetic.Groups[3].Value, CultureInfo.InvariantCulture);
            return Text(arithmetic.Groups[2].Value == "+" ? a + b : a - b);
        }

        if (ReverseQuestion().Match(question) is { Success: true } reverse)
        {
            return string.Concat(reverse.Groups[1].Value.Reverse());
        }

        if (FirstLetterQuestion().Match(question) is { Success: true } first)
        {
            return first.Groups[1].Value.Min().ToString();
        }

        if (ComparisonQuestion().Match(question) is { Success: true } comparison)
        {
            var numbers = Numbers(comparison.Groups[2].Value);
            return Text(comparison.Groups[1].Value == "largest" ? numbers.Max() : numbers.Min());
        }

        if (CountingQuestion().Match(question) is { Success: true } counting)
        {
            return Text(counting.Groups[2].Value.Count(character => character == counting.Groups[1].Value[0]));
        }

        if (SequenceQuestion().Match(question) is { Success: true } sequence)
        {
            // Constant second difference covers both arithmetic progressions (zero) and growing steps.
            var terms = Numbers(sequence.Groups[1].Value);
            var differences = terms.Zip(terms.Skip(1), (left, right) => right - left).ToList();
            var secondDifferences = differences.Zip(differences.Skip(1), (left, right) => right - left).Distinct().ToList();
            Assert.Single(secondDifferences);
            return Text(terms[^1] + differences[^1] + secondDifferences[0]);
        }

        throw new Xunit.Sdk.XunitException($"No solver recognises the question '{question}'.");
    }

    private static List<long> Numbers(string list) =>
        list.Split(',').Select(part => long.Parse(part, CultureInfo.InvariantCulture)).ToList();

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d+)([+-])(\d+)=\?$")]
    private static partial Regex ArithmeticQuestion();

    [GeneratedRegex(@"^reverse ([a-z]+)\?$")]
    private static partial Regex ReverseQuestion();

    [GeneratedRegex(@"^first alphabetically: ([a-z]+)\?$")]
    private static partial Regex FirstLetterQuestion();

    [GeneratedRegex(@"^(largest|smallest): (\d+(?:,\d+)+)\?$")]
    private static partial Regex ComparisonQuestion();

    [GeneratedRegex(@"^count ([a-z]) in ([a-z]+)\?$")]
    private static partial Regex CountingQuestion();

    [GeneratedRegex(@"^next: (\d+(?:,\d+)+),\?$")]
    private static partial Regex SequenceQuestion();
}
