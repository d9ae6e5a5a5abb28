using System.Diagnostics;

namespace AgentRouter.Cli.Bench;

/// <summary>What the whole process spent over a measured window: CPU time (all threads), bytes allocated, and
/// garbage collections with their total pause time — the figures that tell a slow router from a GC-bound one.</summary>
internal sealed class ProcessMeter
{
    private readonly TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long _bytes = GC.GetTotalAllocatedBytes();
    private readonly int _gen0 = GC.CollectionCount(0);
    private readonly int _gen1 = GC.CollectionCount(1);
    private readonly int _gen2 = GC.CollectionCount(2);
    private readonly TimeSpan _pause = GC.GetTotalPauseDuration();
    private readonly long _started = Stopwatch.GetTimestamp();

    public ProcessUsage Stop() => new(
        Stopwatch.GetElapsedTime(_started).TotalSeconds,
        (Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalMicroseconds,
        GC.GetTotalAllocatedBytes() - _bytes,
        new GcActivity(
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2,
            (GC.GetTotalPauseDuration() - _pause).TotalMilliseconds));
}

internal sealed record ProcessUsage(double Seconds, double CpuMicros, long Bytes, GcActivity Gc);

/// <param name="Gen0">Collections of generation 0 or higher (a gen-1 collection counts in Gen0 and Gen1).</param>
/// <param name="PauseMs">Total time the runtime was paused for GC over the window.</param>
internal sealed record GcActivity(int Gen0, int Gen1, int Gen2, double PauseMs)
{
    public override string ToString() =>
        FormattableString.Invariant($"{Gen0} / {Gen1} / {Gen2}, paused {PauseMs:0} ms");
}

/// <summary>Reply-latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(double P50, double P90, double P99, double P999)
{
    public static LatencySummary From(LatencyHistogram histogram) => new(
        histogram.PercentileMs(0.50), histogram.PercentileMs(0.90), histogram.PercentileMs(0.99), histogram.PercentileMs(0.999));

    public override string ToString() => FormattableString.Invariant($"{P50:0.000} / {P90:0.000} / {P99:0.000} / {P999:0.000}");
}
