using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

public sealed class Open7bAndSimulatedTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("replay-open7b-").FullName;

    [Fact]
    public void Open7b_prices_by_parameter_count_or_uniformly_and_treats_items_as_free_form()
    {
        var path = Path.Combine(_directory, "gsm8k-train.json");
        File.WriteAllText(path, """
            [{"question": "2+2?", "scores": {"org/Mistral-7B-v0.1": 1.0, "org/Meta-Llama-3-8B": 0.5}},
             {"question": "3+3?", "scores": {"org/Mistral-7B-v0.1": 0.0, "org/Meta-Llama-3-8B": null}, "cluster_id": 4}]
            """);
        var workload = ReplayDataLoader.Load(path, "auto", new ReplayReadOptions());
        Assert.Equal("open7b", workload.Format);
        Assert.Equal(0.0007, workload.Agents[0].Cost.PerCall, 12);
        Assert.Equal(0.0008, workload.Agents[1].Cost.PerCall, 12);
        Assert.Equal("gsm8k", workload.Items[0].Query.TaskType);
        Assert.Equal("gsm8k/cluster-4", workload.Items[1].Query.TaskType);
        Assert.Null(workload.Items[0].Query.Options);
        Assert.Equal(1, workload.Load.EmptyCells["org/Meta-Llama-3-8B"]);
        Assert.Contains(workload.Load.Assumptions, a => a.Contains("per billion parameters", StringComparison.Ordinal));

        var uniform = ReplayDataLoader.Load(path, "open7b", new ReplayReadOptions(AssumedCost: AssumedCost.Uniform, UniformCost: 0.5));
        Assert.All(uniform.Agents, agent => Assert.Equal(0.5, agent.Cost.PerCall));

        // A free-form panel of two takes its best-ranked member: Mistral first, so 1.0 then 0.0.
        var run = new ReplayEngine(workload, new ReplaySettings(PanelSize: 2)).Run(new FirstCandidatesPolicy());
        Assert.Equal(0.5, run.Accuracy, 12);
        Assert.Equal(0.0007 + 0.0008 + 0.0007, run.TotalCost, 12);
    }

    [Fact]
    public void Simulated_workload_is_seeded_and_makes_routing_matter()
    {
        var a = SimulatedWorkload.Create(seed: 5, queryCount: 400);
        var b = SimulatedWorkload.Create(seed: 5, queryCount: 400);
        Assert.Equal(a.Items.Select(i => i.AnswerOf(0)!.Value.Quality), b.Items.Select(i => i.AnswerOf(0)!.Value.Quality));
        Assert.NotEqual(a.Items.Select(i => i.Query.Text), SimulatedWorkload.Create(seed: 6, queryCount: 400).Items.Select(i => i.Query.Text));
        Assert.Contains(a.Load.Assumptions, line => line.StartsWith("atlas-xl: P(correct)", StringComparison.Ordinal));

        var engine = new ReplayEngine(a, new ReplaySettings());
        var oracle = engine.Run(ReplayBaselines.Oracle);
        var best = engine.Run(ReplayBaselines.BestSingle);
        // Cheap specialists cover the generalist's ground: the oracle is far cheaper and at least as accurate.
        Assert.True(oracle.Accuracy >= best.Accuracy);
        Assert.True(oracle.TotalCost < 0.2 * best.TotalCost, $"oracle {oracle.TotalCost} vs best single {best.TotalCost}");
        Assert.Equal("atlas-xl", ReplayBaselines.BestSingleRanking(a)[0]);
        Assert.All(a.Items.Where(i => i.Query.Options is not null), item => Assert.NotNull(item.GoldChoice ?? (item.OracleQuality == 0 ? "none correct" : null)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
