using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AgentRouter.Cli.Bench;

/// <summary>Sleeping until a Stopwatch timestamp with sub-millisecond resolution, for the paced load generator:
/// <see cref="Thread.Sleep(int)"/> cannot sleep less than a millisecond, and spinning would take a core away
/// from the system under test on a 2-core machine. On Linux it calls <c>usleep</c> (wakes within about 60 µs,
/// the default timer slack); elsewhere it falls back to yielding the processor.</summary>
internal static class FineSleep
{
    private static readonly bool HasUsleep = OperatingSystem.IsLinux();

    public static void Until(long timestamp)
    {
        var remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining <= 0)
        {
            return;
        }

        var micros = remaining * 1_000_000 / Stopwatch.Frequency;
        if (HasUsleep)
        {
            _ = Usleep((uint)Math.Min(micros, 1_000));
        }
        else if (micros >= 1_000)
        {
            Thread.Sleep(1);
        }
        else
        {
            Thread.Yield();
        }
    }

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole CLI project.
    [DllImport("libc", EntryPoint = "usleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Usleep(uint microseconds);
}
