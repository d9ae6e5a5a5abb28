using System.Diagnostics;

namespace AgentRouter.Benchmarks;

/// <summary>A quick probe of <see cref="PolicyDecisionBenchmarks.SelectInto"/> for iterating on the decision path: per
/// policy, after ~0.5 s of warm-up (so tiered compilation has settled), the fastest and the median of 400 batches of
/// 256 decisions, in ns per decision. The fastest batch is the one least disturbed by other processes on a shared
/// machine. Run: <c>dotnet run -c Release --project src/AgentRouter.Benchmarks -- decision-probe [POLICY ...]</c>.</summary>
internal static class DecisionProbe
{
    private const int Batch = 256;
    private const int Batches = 400;

    public static int Run(IReadOnlyList<string> policies)
    {
        if (policies.Count == 0)
        {
            policies = ["ema", "ema-lex", "pheromone", "ucb1", "thompson", "epsilon", "linucb", "round-robin", "least-loaded"];
        }

        foreach (var policy in policies)
        {
            var benchmark = new PolicyDecisionBenchmarks { Policy = policy };
            benchmark.Setup();
            var warmUp = Stopwatch.StartNew();
            while (warmUp.ElapsedMilliseconds < 500)
            {
                for (var i = 0; i < Batch; i++)
                {
                    benchmark.SelectInto();
                }
            }

            var perDecision = new double[Batches];
            for (var b = 0; b < Batches; b++)
            {
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < Batch; i++)
                {
                    benchmark.SelectInto();
                }

                perDecision[b] = Stopwatch.GetElapsedTime(started).TotalNanoseconds / Batch;
            }

            Array.Sort(perDecision);
            Console.WriteLine($"  {policy,-13} fastest batch {perDecision[0],8:0.0} ns   median {perDecision[Batches / 2],8:0.0} ns per SelectInto");
        }

        return 0;
    }
}
