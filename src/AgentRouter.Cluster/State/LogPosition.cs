namespace AgentRouter.Cluster.State;

/// <summary>A Redis stream entry id (<c>milliseconds-sequence</c>), ordered as Redis orders them. Ids are time
/// based, so entries added after a Redis restart that lost the stream still sort after every older position.</summary>
public readonly record struct LogPosition(long Milliseconds, long Sequence) : IComparable<LogPosition>
{
    public static readonly LogPosition Start = new(0, 0);

    public static LogPosition Parse(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !long.TryParse(id.AsSpan(0, dash), out var ms) || !long.TryParse(id.AsSpan(dash + 1), out var seq))
        {
            throw new FormatException($"'{id}' is not a Redis stream id (expected milliseconds-sequence).");
        }

        return new LogPosition(ms, seq);
    }

    public int CompareTo(LogPosition other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(LogPosition a, LogPosition b) => a.CompareTo(b) < 0;

    public static bool operator >(LogPosition a, LogPosition b) => a.CompareTo(b) > 0;

    public static bool operator <=(LogPosition a, LogPosition b) => a.CompareTo(b) <= 0;

    public static bool operator >=(LogPosition a, LogPosition b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Milliseconds}-{Sequence}";
}
