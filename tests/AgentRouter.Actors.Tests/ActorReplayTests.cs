using AgentRouter.Actors.Replay;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Replay;
using Xunit.Abstractions;

namespace AgentRouter.Actors.Tests;

/// <summary>Replay through the actors: one query at a time with panel 1 it must reproduce the direct replay.</summary>
public sealed class ActorReplayTests(ITestOutputHelper output)
{
    private static ReplayWorkload Simulated(int seed)
    {
        var workload = SimulatedWorkload.Create(seed, 120);
        workload.AttachFeatures(new HashedNGramFeaturizer());
        return workload;
    }

    [Theory]
    [InlineData("ema", 0)]
    [InlineData("ucb1", 0)]
    [InlineData("thompson", 0)]
    [InlineData("pheromone", 0)]
    [InlineData("linucb", 0)]
    [InlineData("epsilon", 4)]
    [InlineData("random", 0)]
    public async Task One_query_at_a_time_reproduces_the_direct_replay(string policy, int feedbackDelay)
    {
        var comparison = await ActorReplay.CompareAsync(Simulated(5), new ReplaySettings(Seed: 5, FeedbackDelay: feedbackDelay), policy, concurrency: 1);
        Assert.Equal(1.0, comparison.SameDecisions);
        Assert.Equal(comparison.DirectAccuracy, comparison.ViaActors.Accuracy, 12);
        Assert.Equal(comparison.DirectTotalCost, comparison.ViaActors.TotalCost, 12);
        Assert.Equal(0, comparison.ViaActors.Failed);
    }

    [SharedDataFact("routerbench/arc_challenge_test.csv")]
    public async Task Reproduces_the_direct_replay_on_a_real_routerbench_file()
    {
        var workload = ReplayDataLoader.Load(SharedData.PathOf("routerbench/arc_challenge_test.csv"), "auto", new ReplayReadOptions(Seed: 2));
        foreach (var policy in new[] { "ema", "ucb1" })
        {
            var comparison = await ActorReplay.CompareAsync(workload, new ReplaySettings(Seed: 2), policy, concurrency: 1);
            output.WriteLine($"{policy}: direct {comparison.DirectAccuracy:0.0000} / {comparison.DirectTotalCost:0.0000} $, actors {comparison.ViaActors.Accuracy:0.0000} / {comparison.ViaActors.TotalCost:0.0000} $");
            Assert.Equal(1.0, comparison.SameDecisions);
            Assert.Equal(comparison.DirectAccuracy, comparison.ViaActors.Accuracy, 12);
            Assert.Equal(comparison.DirectTotalCost, comparison.ViaActors.TotalCost, 12);
        }
    }

    [Fact]
    public async Task Concurrent_replay_answers_every_query_and_reports_its_drift()
    {
        var comparison = await ActorReplay.CompareAsync(Simulated(9), new ReplaySettings(Seed: 9, PanelSize: 3), "ema", concurrency: 16);
        output.WriteLine($"same decisions {comparison.SameDecisions:P1}, accuracy drift {comparison.AccuracyDrift:+0.000;-0.000}, cost drift {comparison.CostDrift:+0.0000;-0.0000}");
        Assert.Equal(120, comparison.ViaActors.Queries);
        Assert.Equal(0, comparison.ViaActors.Failed);
        Assert.Equal(120, comparison.ViaActors.Panels.Count);
        Assert.All(comparison.ViaActors.Panels.Values, panel => Assert.Equal(3, panel.Count));
        Assert.InRange(comparison.SameDecisions, 0, 1);
    }
}
