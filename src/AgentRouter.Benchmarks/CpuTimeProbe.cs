using System.Diagnostics;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Replay;

namespace AgentRouter.Benchmarks;

/// <summary>The replay benchmarks again, timed by process CPU time as well as wall time. On the shared
/// 2-core machine other builds inflate wall time several-fold; CPU time shows what the code costs.
/// Run: <c>dotnet run -c Release --project src/AgentRouter.Benchmarks -- cpu-probe</c>.</summary>
internal static class CpuTimeProbe
{
    private const int Repeats = 5;

    /// <param name="queries">Workload size. The replay order is a shuffle, so beyond the CPU caches every query's
    /// objects are cache misses: the same policy runs about 1.5–3× faster over 5,000 queries than over 100,000.</param>
    public static int Run(int queries = ReplayThroughputBenchmark.Queries)
    {
        var workload = SimulatedWorkload.Create(seed: 1, queryCount: queries);
        workload.AttachFeatures(new HashedNGramFeaturizer());
        var engine = new ReplayEngine(workload, new ReplaySettings(Seed: 1));
        Console.WriteLine($"replay throughput, panel 1, {queries} queries per run, best of {Repeats} runs after one warm-up run");
        foreach (var policy in ReplayThroughputBenchmark.Policies())
        {
            engine.Run(policy);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            engine.Run(policy);
            var allocatedPerQuery = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)queries;
            var (wall, cpu) = Best(() => engine.Run(policy));
            Console.WriteLine($"  {policy,-10} {queries / cpu,12:N0} queries per CPU-second   {queries / wall,12:N0} queries per wall-second   {allocatedPerQuery,6:0.00} B allocated per query (run bookkeeping included)");
        }

        var directory = Directory.CreateTempSubdirectory("routerbench-probe-").FullName;
        try
        {
            var path = Path.Combine(directory, "synthetic_routerbench.csv");
            RouterBenchLoadBenchmark.Generate(path, 100L * 1024 * 1024);
            var megabytes = new FileInfo(path).Length / (1024.0 * 1024.0);
            RouterBenchReader.Read(path, new ReplayReadOptions());
            var (wall, cpu) = Best(() => RouterBenchReader.Read(path, new ReplayReadOptions()));
            Console.WriteLine($"RouterBench load, {megabytes:0.0} MB, best of {Repeats}: {megabytes / cpu:0.0} MB per CPU-second, {megabytes / wall:0.0} MB per wall-second");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    private static (double WallSeconds, double CpuSeconds) Best(Func<object> action)
    {
        var bestWall = double.MaxValue;
        var bestCpu = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < Repeats; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            GC.KeepAlive(action());
            var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            bestWall = Math.Min(bestWall, wall);
            bestCpu = Math.Min(bestCpu, cpu);
        }

        return (bestWall, bestCpu);
    }
}
