namespace AgentRouter.Cli.Bench;

/// <summary>Latency counts in 1 µs buckets up to 100 ms (one overflow bucket beyond). Single writer.</summary>
internal sealed class LatencyHistogram
{
    private const int Buckets = 100_000;
    private readonly long[] _counts = new long[Buckets + 1];

    public long Count { get; private set; }

    public void Record(long elapsedStopwatchTicks)
    {
        var micros = elapsedStopwatchTicks * 1_000_000 / System.Diagnostics.Stopwatch.Frequency;
        _counts[micros >= Buckets ? Buckets : micros]++;
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
                return (i + 1) / 1000.0;
            }
        }

        return Buckets / 1000.0;
    }

    public LatencyHistogram Copy()
    {
        var copy = new LatencyHistogram();
        copy.Add(this);
        return copy;
    }
}
