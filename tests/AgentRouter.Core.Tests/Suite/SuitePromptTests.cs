using System.Text;
using AgentRouter.Core.Suite;

namespace AgentRouter.Core.Tests.Suite;

public sealed class SuitePromptTests
{
    private static readonly SuiteItem Example = new("arithmetic-1", "arithmetic", 1, "47+38=?", ["85", "75", "86", "84"], "A");

    [Fact]
    public void PromptHasTheDocumentedCompactFormat()
    {
        Assert.Equal("Q: 47+38=? A) 85 B) 75 C) 86 D) 84\nAnswer: ", SuitePrompt.Format(Example));
        Assert.Equal("Q: 47+38=? A) 85 B) 75 C) 86 D) 84\nAnswer: A", SuitePrompt.FormatWithAnswer(Example));
    }

    [Fact]
    public void EveryGeneratedPromptWithItsAnswerFitsIn128Bytes()
    {
        var items = SuiteGenerator.Generate(new SuiteGenerationOptions(3000, Seed: 12));

        var longest = items.Max(item => Encoding.UTF8.GetByteCount(SuitePrompt.FormatWithAnswer(item)));
        Assert.True(longest <= 128, $"longest prompt is {longest} bytes");
    }

    [Fact]
    public void ItemMapsOntoARoutableQuery()
    {
        var query = Example.ToQuery();

        Assert.Equal("arithmetic-1", query.Id);
        Assert.Equal("arithmetic", query.TaskType);
        Assert.Equal(SuitePrompt.Format(Example), query.Text);
        Assert.Equal(["A", "B", "C", "D"], query.Options);
        Assert.Equal("85", Example.CorrectOption);
    }

    [Fact]
    public void FormatRejectsAnyOptionCountOtherThanFour()
    {
        Assert.Throws<ArgumentException>(() => SuitePrompt.Format("1+1=?", ["2", "3", "4"]));
    }

    [Theory]
    [InlineData("A", 0)]
    [InlineData("D", 3)]
    [InlineData("a", -1)]
    [InlineData("E", -1)]
    public void LetterIndexKnowsOnlyUppercaseAToD(string letter, int index)
    {
        Assert.Equal(index, SuitePrompt.LetterIndex(letter));
    }
}
