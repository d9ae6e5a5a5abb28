using AgentRouter.Core.Suite;

namespace AgentRouter.Core.Tests.Suite;

public sealed class SuiteGeneratorTests
{
    [Fact]
    public void SameSeedGivesTheSameItemsAndByteIdenticalJsonl()
    {
        var first = SuiteGenerator.Generate(new SuiteGenerationOptions(600, Seed: 42));
        var second = SuiteGenerator.Generate(new SuiteGenerationOptions(600, Seed: 42));

        Assert.Equal(first, second);
        Assert.Equal(SuiteJsonl.ToJsonl(first), SuiteJsonl.ToJsonl(second));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentItems()
    {
        var first = SuiteGenerator.Generate(new SuiteGenerationOptions(100, Seed: 1));
        var second = SuiteGenerator.Generate(new SuiteGenerationOptions(100, Seed: 2));

        var shared = first.Select(item => item.Question).Intersect(second.Select(item => item.Question)).Count();
        Assert.True(shared < 10, $"{shared} of 100 questions are shared between seeds 1 and 2");
    }

    [Fact]
    public void ALongerCountExtendsAShorterOne()
    {
        var shorter = SuiteGenerator.Generate(new SuiteGenerationOptions(50, Seed: 9, Split: SuiteSplitFilter.Test));
        var longer = SuiteGenerator.Generate(new SuiteGenerationOptions(120, Seed: 9, Split: SuiteSplitFilter.Test));

        Assert.Equal(shorter, longer.Take(50));
    }

    [Fact]
    public void EveryDomainAndDifficultyIsPresentInEqualShares()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(150, Seed: 5));

        var cells = items.GroupBy(item => (item.Domain, item.Difficulty)).ToDictionary(group => group.Key, group => group.Count());
        foreach (var domain in SuiteDomains.All)
        {
            foreach (var difficulty in SuiteDomains.Difficulties)
            {
                Assert.Equal(10, cells.GetValueOrDefault((domain, difficulty)));
            }
        }
    }

    [Fact]
    public void ItemsAreDistinctWithFourDistinctOptionsAndAValidLetter()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(3000, Seed: 11));

        Assert.Equal(items.Count, items.Select(item => item.Question).Distinct().Count());
        Assert.Equal(items.Count, items.Select(item => item.Id).Distinct().Count());
        foreach (var item in items)
        {
            Assert.Equal(4, item.Options.Count);
            Assert.Equal(4, item.Options.Distinct(StringComparer.Ordinal).Count());
            Assert.Contains(item.Answer, SuitePrompt.Letters);
            Assert.All(item.Options, option => Assert.False(string.IsNullOrWhiteSpace(option)));
        }
    }

    [Fact]
    public void GoldLettersAreSpreadEvenlyOverAToD()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(3000, Seed: 3));

        foreach (var letter in SuitePrompt.Letters)
        {
            var share = items.Count(item => item.Answer == letter) / (double)items.Count;
            Assert.InRange(share, 0.21, 0.29);
        }
    }

    [Theory]
    [InlineData("arithmetic", 1)]
    [InlineData("arithmetic", 3)]
    [InlineData("strings", 1)]
    [InlineData("strings", 2)]
    [InlineData("comparison", 2)]
    [InlineData("comparison", 3)]
    [InlineData("counting", 1)]
    [InlineData("counting", 3)]
    [InlineData("sequence", 1)]
    [InlineData("sequence", 3)]
    public void TheCorrectOptionsRankAmongTheOptionsGivesNothingAway(string domain, int difficulty)
    {
        // If the answer were usually the largest, smallest or middle option, a model could score without reading
        // the question. Rank options numerically when they are numbers, else in ordinal order. (Difficulty-1
        // comparison and first-letter questions are the exception by design; see the next test.)
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(600, Seed: 4, Domains: [domain], Difficulties: [difficulty]))
            .Where(item => difficulty > 1 || !item.Question.StartsWith("first", StringComparison.Ordinal))
            .ToList();

        foreach (var kind in items.GroupBy(item => char.IsAsciiLetter(item.Question[0]) ? item.Question.Split(' ')[0] : "expression"))
        {
            var ranks = kind
                .Select(item => item.Options.Count(option => CompareOptions(option, item.CorrectOption) < 0))
                .GroupBy(rank => rank)
                .ToDictionary(group => group.Key, group => group.Count() / (double)kind.Count());
            foreach (var rank in Enumerable.Range(0, 4))
            {
                Assert.True(ranks.GetValueOrDefault(rank) <= 0.45, $"{domain} '{kind.Key}': the correct option has rank {rank} in {ranks.GetValueOrDefault(rank):P0} of items");
            }
        }
    }

    [Fact]
    public void AtDifficultyOneComparisonAndFirstLetterTestTheOrderingAlone()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(400, Seed: 4, Domains: ["comparison", "strings"], Difficulties: [1]))
            .Where(item => !item.Question.StartsWith("reverse", StringComparison.Ordinal))
            .ToList();

        Assert.True(items.Count > 250);
        foreach (var item in items)
        {
            var extreme = item.Question.StartsWith("largest", StringComparison.Ordinal)
                ? item.Options.MaxBy(int.Parse)
                : item.Question.StartsWith("smallest", StringComparison.Ordinal) ? item.Options.MinBy(int.Parse) : item.Options.Min(StringComparer.Ordinal);
            Assert.Equal(extreme, item.CorrectOption);
        }
    }

    [Fact]
    public void ArithmeticDistractorsAtDifficultyOneDifferByAtMostThree()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(200, Seed: 4, Domains: ["arithmetic"], Difficulties: [1]));

        Assert.All(items, item => Assert.All(item.Options, option => Assert.InRange(Math.Abs(int.Parse(option) - int.Parse(item.CorrectOption)), 0, 3)));
    }

    private static int CompareOptions(string left, string right) =>
        int.TryParse(left, out var leftNumber) && int.TryParse(right, out var rightNumber)
            ? leftNumber.CompareTo(rightNumber)
            : string.CompareOrdinal(left, right);

    [Fact]
    public void SplitFilterOnlyAdmitsItsSplit()
    {
        var test = SuiteGenerator.Generate(new SuiteGenerationOptions(300, Seed: 1, Split: SuiteSplitFilter.Test));
        var train = SuiteGenerator.Generate(new SuiteGenerationOptions(300, Seed: 1, Split: SuiteSplitFilter.Train));

        Assert.All(test, item => Assert.Equal(SuiteSplit.Test, item.Split));
        Assert.All(train, item => Assert.Equal(SuiteSplit.Train, item.Split));
    }

    [Fact]
    public void TrainAndTestNeverShareAQuestionWhateverTheSeedsAndCounts()
    {
        var trainQuestions = new HashSet<string>();
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            trainQuestions.UnionWith(SuiteGenerator.Generate(new SuiteGenerationOptions(4000, seed, SuiteSplitFilter.Train)).Select(item => item.Question));
        }

        foreach (var seed in new ulong[] { 1, 7 })
        {
            var test = SuiteGenerator.Generate(new SuiteGenerationOptions(1500, seed, SuiteSplitFilter.Test));
            Assert.DoesNotContain(test, item => trainQuestions.Contains(item.Question));
        }
    }

    [Fact]
    public void AboutOneFifthOfUnfilteredItemsFallInTheTestSplit()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(3000, Seed: 8));

        var testShare = items.Count(item => item.Split == SuiteSplit.Test) / (double)items.Count;
        Assert.InRange(testShare, 0.16, 0.24);
    }

    [Fact]
    public void UnknownDomainsAndDifficultiesAreRejected()
    {
        var domain = Assert.Throws<ArgumentException>(() => SuiteGenerator.Generate(new SuiteGenerationOptions(5, Domains: ["poetry"])));
        Assert.Contains("poetry", domain.Message);
        var difficulty = Assert.Throws<ArgumentException>(() => SuiteGenerator.Generate(new SuiteGenerationOptions(5, Difficulties: [4])));
        Assert.Contains("4", difficulty.Message);
        Assert.Throws<ArgumentException>(() => SuiteGenerator.Generate(new SuiteGenerationOptions(-1)));
    }

    [Fact]
    public void DomainAndDifficultySubsetsAreHonoured()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(40, Domains: ["counting", "strings"], Difficulties: [2]));

        Assert.All(items, item => Assert.Contains(item.Domain, new[] { "counting", "strings" }));
        Assert.All(items, item => Assert.Equal(2, item.Difficulty));
        Assert.Equal(20, items.Count(item => item.Domain == "counting"));
    }
}
