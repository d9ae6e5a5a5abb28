using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace AgentRouter.Benchmarks;

/// <summary>A BenchmarkDotNet clock that reads the calling thread's CPU time (Linux
/// CLOCK_THREAD_CPUTIME_ID) instead of wall time. The development machines are 2 cores shared by several
/// engineers' builds, so wall-clock iterations include however long the benchmark thread sat descheduled;
/// thread CPU time counts only the time it ran (cache and frequency effects of the neighbours remain).</summary>
public sealed class ThreadCpuTimeClock : IClock
{
    private const int ClockThreadCpuTimeId = 3;

    public string Title => "Thread CPU time";

    public bool IsAvailable => OperatingSystem.IsLinux() && NativeMethods.clock_gettime(ClockThreadCpuTimeId, out _) == 0;

    public Frequency Frequency => Frequency.GHz;

    public long GetTimestamp()
    {
        if (NativeMethods.clock_gettime(ClockThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }

        return time.Seconds * 1_000_000_000L + time.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int clock_gettime(int clockId, out TimeSpec time);
    }
}
