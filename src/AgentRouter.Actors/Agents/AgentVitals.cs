namespace AgentRouter.Actors.Agents;

/// <summary>An agent's live load and health. Its agent actor is the only writer; routers read it when they
/// build candidates, so the load a policy sees costs no message round trip. It survives actor restarts.</summary>
public sealed class AgentVitals(string agent, int capacity)
{
    private int _inFlight;
    private int _queued;
    private long _restarts;
    private int _consecutiveCrashes;
    private volatile bool _available = true;

    public string Agent { get; } = agent;

    public int Capacity { get; } = Math.Max(1, capacity);

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Queued => Volatile.Read(ref _queued);

    public long Restarts => Volatile.Read(ref _restarts);

    public int ConsecutiveCrashes => Volatile.Read(ref _consecutiveCrashes);

    /// <summary>False while the agent backs off after a crash.</summary>
    public bool Available => _available;

    /// <summary>Busy fraction in [0, 1]: requests held (running or queued) over capacity.</summary>
    public double Load => Math.Min(1.0, (InFlight + Queued) / (double)Capacity);

    internal void SetInFlight(int value) => Volatile.Write(ref _inFlight, value);

    internal void SetQueued(int value) => Volatile.Write(ref _queued, value);

    internal void RecordCrash()
    {
        Interlocked.Increment(ref _restarts);
        Interlocked.Increment(ref _consecutiveCrashes);
    }

    internal void RecordSuccess()
    {
        if (_consecutiveCrashes != 0)
        {
            Volatile.Write(ref _consecutiveCrashes, 0);
        }
    }

    internal void SetAvailable(bool available) => _available = available;
}
