using AgentRouter.Core.Policies;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

/// <summary>Reads the real files in the shared data folder; skipped, saying where it looked, when absent.</summary>
public class RealDataTests
{
    private const string ArcTest = "routerbench/arc_challenge_test.csv";
    private const string ArcTrain = "routerbench/arc_challenge_train.csv";
    private const string Gsm8k = "open7b/gsm8k-train.json";

    [SharedDataFact(ArcTest, ArcTrain)]
    public void Arc_files_have_their_rows_and_empty_cells()
    {
        var test = ReplayDataLoader.Load(SharedData.PathOf(ArcTest), "auto", new ReplayReadOptions());
        Assert.Equal(445, test.Load.RowsRead);
        Assert.Equal(445, test.Items.Count);
        Assert.Equal(11, test.Agents.Count);
        Assert.Equal(2, test.Load.EmptyCells["gpt-3.5-turbo-1106"]);
        Assert.Equal(6, test.Load.EmptyCells["claude-v2"]);
        Assert.Equal(1, test.Load.DuplicateIds);
        Assert.Equal(445, test.Load.MultipleChoiceQueries);

        var train = ReplayDataLoader.Load(SharedData.PathOf(ArcTrain), "auto", new ReplayReadOptions());
        Assert.Equal(1039, train.Load.RowsRead);
        Assert.Equal(12, train.Load.EmptyCells["gpt-3.5-turbo-1106"]);
        Assert.All(train.Load.EmptyCells.Where(pair => pair.Key != "gpt-3.5-turbo-1106"), pair => Assert.Equal(8, pair.Value));
        Assert.Contains(train.Items, item => item.Query.Options is { Count: 5 });
    }

    [SharedDataFact(Gsm8k)]
    public void Open7b_gsm8k_has_a_thousand_items_for_seven_models()
    {
        var workload = ReplayDataLoader.Load(SharedData.PathOf(Gsm8k), "auto", new ReplayReadOptions());
        Assert.Equal(1000, workload.Items.Count);
        Assert.Equal(7, workload.Agents.Count);
        Assert.All(workload.Load.EmptyCells.Values, count => Assert.Equal(0, count));
    }

    [SharedDataFact(ArcTest)]
    public void Oracle_is_at_least_as_accurate_as_every_policy_on_arc()
    {
        var workload = ReplayDataLoader.Load(SharedData.PathOf(ArcTest), "auto", new ReplayReadOptions());
        var engine = new ReplayEngine(workload, new ReplaySettings(Seed: 1));
        var oracle = engine.Run(ReplayBaselines.Oracle);
        foreach (var name in PolicyCatalog.Names.Append(ReplayBaselines.BestSingle))
        {
            var run = engine.Run(name);
            Assert.True(oracle.Accuracy >= run.Accuracy, $"{name}: {run.Accuracy} > oracle {oracle.Accuracy}");
        }

        var panel = new ReplayEngine(workload, new ReplaySettings(Seed: 1, PanelSize: 3));
        foreach (var name in PolicyCatalog.Names)
        {
            Assert.True(oracle.Accuracy >= panel.Run(name).Accuracy, name);
        }
    }
}
