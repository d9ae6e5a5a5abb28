using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Tests.Merging;

public class MergeStrategyTests
{
    private static readonly IReadOnlyList<string> Abcd = ["A", "B", "C", "D"];

    private static AgentAnalysis Say(string agent, string? choice, double? confidence = null, OutcomeStatus status = OutcomeStatus.Succeeded) =>
        new(agent, choice ?? "unsure", choice, confidence, Status: status);

    private static MergeContext Ranked(params string[] ranking) => new("q", ranking, null, Abcd);

    [Fact]
    public void Majority_takes_the_most_votes()
    {
        var result = new MajorityMerge().Merge([Say("x", "A"), Say("y", "B"), Say("z", "B")], Ranked("x", "y", "z"));
        Assert.Equal("B", result.Choice);
        Assert.Equal(2, result.Votes["B"]);
        Assert.Null(result.SelectedAgent);
    }

    [Fact]
    public void Majority_breaks_ties_by_ranking()
    {
        var analyses = new[] { Say("x", "A"), Say("y", "B") };
        Assert.Equal("B", new MajorityMerge().Merge(analyses, Ranked("y", "x")).Choice);
        Assert.Equal("A", new MajorityMerge().Merge(analyses, Ranked("x", "y")).Choice);
    }

    [Fact]
    public void Abstaining_and_failed_members_do_not_vote()
    {
        var analyses = new[] { Say("x", null), Say("y", "C", status: OutcomeStatus.TimedOut), Say("z", "D") };
        Assert.Equal("D", new MajorityMerge().Merge(analyses, Ranked("x", "y", "z")).Choice);
        var none = new MajorityMerge().Merge([Say("x", null), Say("y", null)], Ranked("x", "y"));
        Assert.True(none.Abstained);
        Assert.Null(none.Choice);
    }

    [Fact]
    public void Confidence_weighted_sums_confidences()
    {
        var analyses = new[] { Say("x", "A", 0.9), Say("y", "B", 0.4), Say("z", "B", 0.4) };
        var result = new ConfidenceWeightedMerge().Merge(analyses, Ranked("y", "z", "x"));
        Assert.Equal("A", result.Choice);
        Assert.Equal(0.8, result.Votes["B"], 12);
    }

    [Fact]
    public void Confidence_weighted_adds_option_probabilities_when_given()
    {
        var x = new AgentAnalysis("x", "A", "A", OptionProbabilities: new Dictionary<string, double> { ["A"] = 0.5, ["C"] = 0.45 });
        var y = new AgentAnalysis("y", "C", "C", OptionProbabilities: new Dictionary<string, double> { ["A"] = 0.1, ["C"] = 0.6 });
        var result = new ConfidenceWeightedMerge().Merge([x, y], Ranked("x", "y"));
        Assert.Equal("C", result.Choice);
        Assert.Equal(1.05, result.Votes["C"], 12);
    }

    [Fact]
    public void Quality_weighted_uses_agent_weights_with_fallback_one()
    {
        var analyses = new[] { Say("x", "A"), Say("y", "B"), Say("z", "B") };
        var weights = new Dictionary<string, double> { ["x"] = 2.5, ["y"] = 0.5 };
        var result = new QualityWeightedMerge().Merge(analyses, new MergeContext("q", ["y", "z", "x"], weights, Abcd));
        Assert.Equal("A", result.Choice);
        Assert.Equal(1.5, result.Votes["B"], 12); // y 0.5 + z fallback 1
    }

    [Fact]
    public void Top_ranked_takes_the_best_ranked_member_that_answered()
    {
        var analyses = new[] { Say("x", "A"), Say("y", null), Say("z", "C") };
        var result = new TopRankedMerge().Merge(analyses, Ranked("y", "z", "x"));
        Assert.Equal("C", result.Choice);
        Assert.Equal("z", result.SelectedAgent);
    }

    [Theory]
    [InlineData("majority")]
    [InlineData("confidence-weighted")]
    [InlineData("quality-weighted")]
    [InlineData("top-ranked")]
    public void Free_form_tasks_pick_the_best_ranked_member(string strategy)
    {
        var analyses = new[]
        {
            new AgentAnalysis("x", "42", null),
            new AgentAnalysis("y", "41", null, Status: OutcomeStatus.Failed),
            new AgentAnalysis("z", "40", null),
        };
        var result = MergeCatalog.Create(strategy).Merge(analyses, new MergeContext("q", ["y", "z", "x"]));
        Assert.Equal("z", result.SelectedAgent);
        Assert.Equal("40", result.Text);
        Assert.False(result.Abstained);
    }

    [Fact]
    public void Catalog_names_the_known_strategies_on_an_unknown_name()
    {
        var error = Assert.Throws<ArgumentException>(() => MergeCatalog.Create("plurality"));
        Assert.Contains("plurality", error.Message, StringComparison.Ordinal);
        Assert.Contains("majority, quality-weighted, top-ranked", error.Message.Replace("confidence-weighted, ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("quality-weighted", MergeCatalog.Create("Quality-Weighted").Name);
    }

    [Fact]
    public void Weighted_vote_is_the_quality_weighted_merge_under_the_issues_name()
    {
        Assert.IsType<QualityWeightedMerge>(MergeCatalog.Create("weighted-vote"));
        Assert.Contains("weighted-vote", MergeCatalog.Names);
    }
}
