using AgentRouter.Core.Suite;
using AgentRouter.Inference.Training;

namespace AgentRouter.Inference.Tests.Training;

public sealed class SuiteTrainingSetTests
{
    private static TrainingDataConfig Data(Dictionary<string, double> weights, int trainItems = 1000, int evalItems = 150) =>
        new(weights, [1, 2, 3], trainItems, evalItems, Seed: 3);

    [Fact]
    public void TrainItemsFollowTheDomainWeightsAndComeFromTheTrainSplit()
    {
        var items = SuiteTrainingSet.TrainItems(Data(new() { ["arithmetic"] = 3, ["counting"] = 1 }));

        Assert.Equal(1000, items.Count);
        Assert.Equal(750, items.Count(item => item.Domain == "arithmetic"));
        Assert.Equal(250, items.Count(item => item.Domain == "counting"));
        Assert.All(items, item => Assert.Equal(SuiteSplit.Train, item.Split));
    }

    [Fact]
    public void TrainItemsAreInterleavedAndDeterministic()
    {
        var data = Data(new() { ["arithmetic"] = 1, ["strings"] = 1, ["sequence"] = 1 }, trainItems: 301);

        var first = SuiteTrainingSet.TrainItems(data);
        var second = SuiteTrainingSet.TrainItems(data);

        Assert.Equal(first, second);
        Assert.Equal(301, first.Count);
        Assert.Equal(3, first.Take(30).Select(item => item.Domain).Distinct().Count());
    }

    [Fact]
    public void LookupDrillsReplaceASeededShareOfItemsKeepingOptionsAndAnswer()
    {
        var weights = new Dictionary<string, double> { ["arithmetic"] = 1, ["comparison"] = 1 };
        var plain = SuiteTrainingSet.TrainItems(Data(weights));
        var data = Data(weights) with { LookupFraction = 0.3 };

        var drilled = SuiteTrainingSet.TrainItems(data);

        Assert.Equal(drilled, SuiteTrainingSet.TrainItems(data));
        Assert.Equal(plain.Count, drilled.Count);
        var drills = drilled.Where(item => item.Question.StartsWith("find ", StringComparison.Ordinal)).ToList();
        Assert.InRange(drills.Count, 240, 360);
        for (var i = 0; i < plain.Count; i++)
        {
            Assert.Equal(plain[i].Options, drilled[i].Options);
            Assert.Equal(plain[i].Answer, drilled[i].Answer);
            Assert.Equal(plain[i].Domain, drilled[i].Domain);
            Assert.True(
                drilled[i].Question == plain[i].Question || drilled[i].Question == $"find {plain[i].CorrectOption}?",
                $"item {i}: '{drilled[i].Question}' is neither the original question nor its look-up drill");
        }
    }

    [Fact]
    public void EvalItemsCoverEveryDomainFromTheTestSplitWhateverTheSpecialisation()
    {
        var items = SuiteTrainingSet.EvalItems(Data(new() { ["arithmetic"] = 1 }));

        Assert.Equal(150, items.Count);
        Assert.Equal(SuiteDomains.All.Order(), items.Select(item => item.Domain).Distinct().Order());
        Assert.All(items, item => Assert.Equal(SuiteSplit.Test, item.Split));
    }

    [Fact]
    public void ReportCountsCorrectAnswersPerDomain()
    {
        var report = EvaluationReport.FromPredictions(
        [
            ("counting", "A", "A"), ("counting", "B", "A"), ("arithmetic", "C", "C"), ("arithmetic", "D", "D"),
        ]);

        Assert.Equal(0.75, report.Accuracy);
        Assert.Equal(["arithmetic", "counting"], report.Domains.Select(domain => domain.Domain));
        Assert.Equal(1.0, report.Domains[0].Accuracy);
        Assert.Equal(0.5, report.Domains[1].Accuracy);
    }
}
