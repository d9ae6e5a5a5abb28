using AgentRouter.Cli.MainJob;
using AgentRouter.Core.Merging;

namespace AgentRouter.Cli.Tests;

public sealed class FeedbackWeightedVoteTests
{
    private static readonly Dictionary<string, string> TaskTypes = new(StringComparer.Ordinal) { ["q1"] = "strings", ["q2"] = "comparison" };

    private static readonly string[] Letters = ["A", "B", "C", "D"];

    // The specialist answers A; two guessers agree on B.
    private static readonly AgentAnalysis[] Answers =
    [
        new("specialist", "A", "A"),
        new("guesser-1", "B", "B"),
        new("guesser-2", "B", "B"),
    ];

    [Fact]
    public void BeforeAnyFeedbackItIsAPlainMajority()
    {
        var vote = new FeedbackWeightedVote(TaskTypes, new DeliveredAccuracy());

        var merged = vote.Merge(Answers, new MergeContext("q1", ["specialist", "guesser-1", "guesser-2"], Options: Letters));

        Assert.Equal("B", merged.Choice);
    }

    [Fact]
    public void AnAccurateSpecialistIsNotOutvotedByAgentsAtChanceOnItsTaskType()
    {
        var delivered = new DeliveredAccuracy();
        for (var i = 0; i < 12; i++)
        {
            delivered.Record("specialist", "strings", correct: i % 6 != 0);   // 10 of 12
            delivered.Record("guesser-1", "strings", correct: i % 4 == 0);    // 3 of 12
            delivered.Record("guesser-2", "strings", correct: i % 4 == 1);    // 3 of 12
        }

        var vote = new FeedbackWeightedVote(TaskTypes, delivered);

        Assert.Equal("A", vote.Merge(Answers, new MergeContext("q1", ["guesser-1", "guesser-2", "specialist"], Options: Letters)).Choice);

        // The record is per task type: on comparison nobody has a record yet, so the majority stands.
        Assert.Equal("B", vote.Merge(Answers, new MergeContext("q2", ["specialist", "guesser-1", "guesser-2"], Options: Letters)).Choice);
    }

    [Theory]
    [InlineData(0.25, 0.001)]
    [InlineData(0.10, 0.001)]
    [InlineData(0.50, 1.0986)]
    [InlineData(0.90, 3.2958)]
    public void WeightsAreTheLogOddsAgainstAFourWayGuessFlooredJustAboveZero(double accuracy, double weight) =>
        Assert.Equal(weight, FeedbackWeightedVote.Weight(accuracy), 3);

    [Fact]
    public void DeliveredAccuracyIsLaplaceSmoothed()
    {
        var delivered = new DeliveredAccuracy();
        Assert.Equal(0.5, delivered.Accuracy("a", "strings"));

        delivered.Record("a", "strings", correct: true);
        delivered.Record("a", "strings", correct: true);
        delivered.Record("a", "counting", correct: false);

        Assert.Equal(0.75, delivered.Accuracy("a", "strings"));
        Assert.Equal(1.0 / 3, delivered.Accuracy("a", "counting"), 10);
    }

    [Fact]
    public void TaskTypeFeaturesAreAOneHotOfTheSuiteDomain()
    {
        var features = MainJobRunner.TaskTypeFeatures(new AgentRouter.Core.Domain.Query("q", "text", "counting"));

        Assert.Equal(AgentRouter.Core.Suite.SuiteDomains.All.Count, features.Length);
        Assert.Equal(1, features.Sum());
        Assert.Equal(1, features[AgentRouter.Core.Suite.SuiteDomains.All.ToList().IndexOf("counting")]);
        Assert.Equal(0, MainJobRunner.TaskTypeFeatures(new AgentRouter.Core.Domain.Query("q", "text", "poetry")).Sum());
    }
}
