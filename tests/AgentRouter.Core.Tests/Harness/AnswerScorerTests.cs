using AgentRouter.Core.Harness;

namespace AgentRouter.Core.Tests.Harness;

public sealed class AnswerScorerTests
{
    private static HarnessItem Item(ScoringKind kind, string? answer, IReadOnlyList<string>? options = null, IReadOnlyList<string>? rejected = null) =>
        new("q", "prompt", null, null, options, answer, kind, rejected);

    [Theory]
    [InlineData("B", 1.0)]
    [InlineData("B) wet palms", 1.0)]
    [InlineData("The answer is b.", 1.0)]
    [InlineData("A", 0.0)]
    [InlineData("I cannot tell", 0.0)]
    public void Multiple_choice_uses_the_choice_extractor(string response, double expected) =>
        Assert.Equal(expected, AnswerScorer.Score(Item(ScoringKind.MultipleChoice, "B", ["A", "B", "C", "D"]), response).Correct);

    [Fact]
    public void Unknown_letter_scores_zero_only_for_known_wrong_letters_and_abstentions()
    {
        var item = Item(ScoringKind.MultipleChoice, null, ["A", "B", "C", "D"], ["A", "C"]);
        Assert.Equal(0.0, AnswerScorer.Score(item, "A").Correct);
        Assert.Equal(0.0, AnswerScorer.Score(item, "no idea").Correct);
        Assert.Null(AnswerScorer.Score(item, "B").Correct);
    }

    [Theory]
    [InlineData("She pays 3 * 24 = 72 dollars.\n#### 72", "72", 1.0)]
    [InlineData("The total is $1,234.50.", "1234.5", 1.0)]
    [InlineData("First 5, then 7", "5", 0.0)]
    [InlineData("-3 degrees", "#### -3", 1.0)]
    [InlineData("no number here", "4", 0.0)]
    public void Numeric_compares_the_last_number(string response, string answer, double expected) =>
        Assert.Equal(expected, AnswerScorer.Score(Item(ScoringKind.Numeric, answer), response).Correct);

    [Theory]
    [InlineData("The Eiffel Tower!", "eiffel   tower", 1.0)]
    [InlineData("Paris, France", "Paris", 0.0)]
    public void Exact_match_normalises_case_punctuation_articles_and_spaces(string response, string answer, double expected) =>
        Assert.Equal(expected, AnswerScorer.Score(Item(ScoringKind.ExactMatch, answer), response).Correct);

    [Fact]
    public void Items_without_an_answer_are_unscored() =>
        Assert.Null(AnswerScorer.Score(Item(ScoringKind.None, null), "anything").Correct);
}
