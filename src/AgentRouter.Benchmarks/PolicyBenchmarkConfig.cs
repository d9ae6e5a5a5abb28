using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace AgentRouter.Benchmarks;

/// <summary>Two short jobs over the same benchmarks: wall clock (BenchmarkDotNet's default clock) and
/// thread CPU time (<see cref="ThreadCpuTimeClock"/>), so a report shows both what a caller waits on a busy
/// shared machine and what a decision costs in CPU. Run without <c>--job</c>; these jobs are the config.</summary>
public sealed class PolicyBenchmarkConfig : ManualConfig
{
    public PolicyBenchmarkConfig()
    {
        AddJob(Job.ShortRun.WithId("wall-clock"));
        AddJob(Job.ShortRun.WithClock(new ThreadCpuTimeClock()).WithId("thread-cpu"));
    }
}
