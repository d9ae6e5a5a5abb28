using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Tests.Merging;

public sealed class AgreementMergeTests
{
    private static readonly MergeContext FreeText = new("q", ["a1", "a2", "a3"]);

    [Fact]
    public void The_answer_given_most_often_after_normalising_wins()
    {
        var result = new AgreementMerge().Merge(
        [
            new AgentAnalysis("a1", "Lyon", null),
            new AgentAnalysis("a2", "  paris. ", null),
            new AgentAnalysis("a3", "PARIS", null),
        ], FreeText);

        Assert.Equal(("agreement", "a2", "  paris. "), (result.Strategy, result.SelectedAgent, result.Text));
        Assert.Contains("2 of 3", result.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_exact_majority_the_answer_with_most_word_overlap_wins()
    {
        var result = new AgreementMerge().Merge(
        [
            new AgentAnalysis("a1", "Paris is the capital", null),
            new AgentAnalysis("a2", "The capital is Paris, France", null),
            new AgentAnalysis("a3", "Paris", null),
        ], new MergeContext("q", ["a3", "a2", "a1"]));

        // Mean Dice similarity: a1 (8/9 + 2/5) / 2 = 0.644, a2 (8/9 + 1/3) / 2 = 0.611, a3 (2/5 + 1/3) / 2 = 0.367:
        // a1 wins although it is ranked last.
        Assert.Equal("a1", result.SelectedAgent);
        Assert.Contains("overlap", result.Rationale, StringComparison.Ordinal);
    }

    [Fact]
    public void Ties_go_to_the_best_ranked_member_and_failures_are_ignored()
    {
        var result = new AgreementMerge().Merge(
        [
            new AgentAnalysis("a1", "yes", null, Status: OutcomeStatus.Failed),
            new AgentAnalysis("a2", "red", null),
            new AgentAnalysis("a3", "blue", null),
        ], new MergeContext("q", ["a3", "a2", "a1"]));

        Assert.Equal("a3", result.SelectedAgent);
    }

    [Fact]
    public void Nothing_answered_is_an_abstention()
    {
        var result = new AgreementMerge().Merge([new AgentAnalysis("a1", " ", null)], FreeText);
        Assert.True(result.Abstained);
    }

    [Fact]
    public void Multiple_choice_panels_get_a_majority_vote()
    {
        var result = MergeCatalog.Create("agreement").Merge(
        [
            new AgentAnalysis("a1", "A", "A"),
            new AgentAnalysis("a2", "B", "B"),
            new AgentAnalysis("a3", "B!", "B"),
        ], new MergeContext("q", ["a1", "a2", "a3"], Options: ["A", "B", "C", "D"]));

        Assert.Equal(("agreement", "B"), (result.Strategy, result.Choice));
    }

    [Theory]
    [InlineData("PARIS!", "paris")]
    [InlineData("  two\twords\n", "two words")]
    [InlineData("\"quoted.\"", "quoted")]
    public void Normalise_folds_case_space_and_end_punctuation(string text, string expected) =>
        Assert.Equal(expected, AgreementMerge.Normalise(text));

    [Fact]
    public void Similarity_is_the_dice_coefficient_of_word_multisets()
    {
        var left = AgreementMerge.Tokens("a b b c");
        var right = AgreementMerge.Tokens("b b d");
        Assert.Equal(2.0 * 2 / 7, AgreementMerge.Similarity(left, right), 12);
    }
}
