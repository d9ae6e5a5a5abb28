using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace AgentRouter.Benchmarks;

/// <summary>Two short jobs over the same benchmarks: wall clock (BenchmarkDotNet's default clock) and
/// thread CPU time (<see cref="ThreadCpuTimeClock"/>), so a report shows both what a caller waits on a busy
/// shared machine and what a decision costs in CPU. Iterations of 100 ms (ShortRun's 3 warm-up + 3 measured)
/// keep the whole run near two minutes. Run without <c>--job</c>; these jobs are the config.</summary>
public sealed class PolicyBenchmarkConfig : ManualConfig
{
    public PolicyBenchmarkConfig()
    {
        var iteration = TimeInterval.FromMilliseconds(100);
        AddJob(Job.ShortRun.WithIterationTime(iteration).WithId("wall-clock"));
        AddJob(Job.ShortRun.WithIterationTime(iteration).WithClock(new ThreadCpuTimeClock()).WithId("thread-cpu"));
    }
}
