namespace AgentRouter.Actors.Agents;

/// <summary>How an agent actor queues work and recovers from crashes.</summary>
/// <param name="QueueLimit">Requests that may wait for a free capacity slot; beyond it they are refused
/// (<see cref="Protocol.AgentFailureKind.Unavailable"/>) so the router can try another agent at once.</param>
public sealed record AgentSettings(int QueueLimit = 64, RestartBackoff? Backoff = null)
{
    public RestartBackoff EffectiveBackoff => Backoff ?? RestartBackoff.Default;
}

/// <summary>After a crash the restarted agent refuses work for a while, doubling per consecutive crash:
/// nothing for the first <see cref="FreeCrashes"/> crashes of a streak (a one-off fault costs no capacity),
/// then <see cref="Min"/>, 2·Min, … up to <see cref="Max"/>. A success ends the streak.</summary>
public sealed record RestartBackoff(TimeSpan Min, TimeSpan Max, int FreeCrashes)
{
    /// <summary><c>agentrouter.agent-backoff</c> in reference.conf.</summary>
    public static RestartBackoff Default => Configuration.AgentRouterRuntimeSettings.Default.AgentBackoff;

    /// <summary>Restart at once, always (fault-injection benchmarks, where crashes are independent draws).</summary>
    public static readonly RestartBackoff None = new(TimeSpan.Zero, TimeSpan.Zero, int.MaxValue);

    public TimeSpan For(int consecutiveCrashes)
    {
        if (consecutiveCrashes <= FreeCrashes || Min <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(consecutiveCrashes - FreeCrashes - 1, 30);
        var delay = Min * Math.Pow(2, doublings);
        return delay > Max ? Max : delay;
    }
}
