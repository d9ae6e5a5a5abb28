using AgentRouter.Core.Policies;
using AgentRouter.Core.Replay;
using BenchmarkDotNet.Attributes;

namespace AgentRouter.Benchmarks;

/// <summary>Routed queries per second of the replay engine on a workload already in memory, panel 1,
/// one thread, feedback delivered after every query. Goal: ≥ 500,000 queries/s.</summary>
[MemoryDiagnoser]
public class ReplayThroughputBenchmark
{
    public const int Queries = 100_000;

    private ReplayEngine _engine = null!;

    /// <summary>The policies the goal names, as far as they are registered, plus the random baseline.</summary>
    public static IEnumerable<string> Policies() =>
        new[] { "ema", "pheromone", "ucb1", "thompson", "random" }.Where(PolicyCatalog.IsKnown);

    [ParamsSource(nameof(Policies))]
    public string Policy { get; set; } = "random";

    [GlobalSetup]
    public void Setup() => _engine = new ReplayEngine(SimulatedWorkload.Create(seed: 1, queryCount: Queries), new ReplaySettings(Seed: 1));

    [Benchmark(OperationsPerInvoke = Queries)]
    public double Replay() => _engine.Run(Policy).Accuracy;
}
