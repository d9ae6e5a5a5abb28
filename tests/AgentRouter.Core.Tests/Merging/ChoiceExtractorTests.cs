using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Tests.Merging;

public class ChoiceExtractorTests
{
    [Theory]
    // Forms recorded in RouterBench's ARC files.
    [InlineData("B", "B")]
    [InlineData("B\n", "B")]
    [InlineData("A)", "A")]
    [InlineData("A:", "A")]
    [InlineData("A.", "A")]
    [InlineData("D (", "D")]
    [InlineData("C)\n", "C")]
    // Other forms models write.
    [InlineData("(B)", "B")]
    [InlineData("B) some text about it", "B")]
    [InlineData("**B**", "B")]
    [InlineData("  \n B \n", "B")]
    [InlineData("Answer: B", "B")]
    [InlineData("answer: (c)", "C")]
    [InlineData("The answer is b.", "B")]
    [InlineData("The answer is D", "D")]
    [InlineData("B. The answer is B.", "B")]
    public void Reads_the_chosen_letter(string text, string expected) => Assert.Equal(expected, ChoiceExtractor.Extract(text));

    [Theory]
    // Recorded refusals and prose from RouterBench.
    [InlineData("I do")]
    [InlineData("Unfortunately I")]
    [InlineData("Based on")]
    [InlineData("13")]
    [InlineData("Sediment")]
    [InlineData("* Jeremy")]
    // "A" as the English article, not a choice.
    [InlineData("A chart")]
    [InlineData("A hypothesis")]
    // Not an option, or two different answers.
    [InlineData("G\n")]
    [InlineData("E")]
    [InlineData("B) no wait, the answer is C")]
    [InlineData("Answer: A. Answer: D")]
    [InlineData("the answer is a bit unclear")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Abstains_rather_than_guess(string? text) => Assert.Null(ChoiceExtractor.Extract(text));

    [Fact]
    public void Uses_the_configured_options()
    {
        Assert.Equal("E", ChoiceExtractor.Extract("E)", ["A", "B", "C", "D", "E"]));
        Assert.Null(ChoiceExtractor.Extract("C", ["A", "B"]));
    }

    [Fact]
    public void Reads_the_options_of_the_last_question_in_a_few_shot_prompt()
    {
        var prompt = "Q1?\nA) a\nB) b\nC) c\nD) d\nAnswer:\nA\n\nQ2?\nA) a\nB) b\nC) c\nD) d\nE) e\nAnswer:";
        Assert.Equal(["A", "B", "C", "D", "E"], OptionLetters.FromPrompt(prompt));
        Assert.Equal(["A", "B", "C"], OptionLetters.FromPrompt("Which?\nA. x\nB. y\nC. z"));
        Assert.Null(OptionLetters.FromPrompt("How many clips did Natalia sell?"));
    }
}
