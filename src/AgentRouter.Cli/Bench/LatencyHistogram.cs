namespace AgentRouter.Cli.Bench;

/// <summary>Latency counts: 1 µs buckets up to 10 ms, then 100 µs buckets up to 10 s (one overflow bucket
/// beyond). Single writer.</summary>
internal sealed class LatencyHistogram
{
    private const int FineMicros = 10_000;
    private const int CoarseStep = 100;
    private const int Buckets = FineMicros + (10_000_000 - FineMicros) / CoarseStep;
    private readonly long[] _counts = new long[Buckets + 1];

    public long Count { get; private set; }

    public void Record(long elapsedStopwatchTicks)
    {
        var micros = elapsedStopwatchTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency;
        var bucket = micros < FineMicros ? micros : FineMicros + (micros - FineMicros) / CoarseStep;
        _counts[bucket >= Buckets ? Buckets : bucket]++;
        Count++;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The latency in milliseconds below which <paramref name="fraction"/> of the samples fall.</summary>
    public double PercentileMs(double fraction)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var target = (long)Math.Ceiling(fraction * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target)
            {
                return UpperBoundMicros(i) / 1000.0;
            }
        }

        return UpperBoundMicros(Buckets) / 1000.0;
    }

    private static long UpperBoundMicros(int bucket) =>
        bucket < FineMicros ? bucket + 1 : FineMicros + (long)(bucket - FineMicros + 1) * CoarseStep;

    public LatencyHistogram Copy()
    {
        var copy = new LatencyHistogram();
        copy.Add(this);
        return copy;
    }
}
