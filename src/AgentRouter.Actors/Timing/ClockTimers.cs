using Akka.Actor;

namespace AgentRouter.Actors.Timing;

/// <summary>Timers on an injected <see cref="TimeProvider"/> that tell a message to their owning actor. Akka's own
/// timers run on the actor system's scheduler, which a <see cref="TimeProvider"/> cannot drive; with these, one
/// clock decides deadlines, ticks, back-off and measured latencies, and a test moves it with
/// <c>FakeTimeProvider.Advance</c> instead of waiting.</summary>
/// <remarks>Used only from the owning actor's thread. A message already in the mailbox when its timer is cancelled
/// still arrives, so owners treat timer messages as idempotent or correlate them (Akka's timers filter those; these
/// do not). The owner disposes the set in <c>PostStop</c>, which Akka also runs before a restart.</remarks>
internal sealed class ClockTimers(TimeProvider time, IActorRef owner) : IDisposable
{
    private readonly Dictionary<object, ITimer> _timers = [];

    public TimeProvider Time => time;

    /// <summary>Tells <paramref name="message"/> once after <paramref name="delay"/>, replacing any timer under the same key.</summary>
    public void StartSingle(object key, object message, TimeSpan delay) => Start(key, message, delay, Timeout.InfiniteTimeSpan);

    /// <summary>Tells <paramref name="message"/> every <paramref name="period"/>, replacing any timer under the same key.</summary>
    public void StartPeriodic(object key, object message, TimeSpan period) => Start(key, message, period, period);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var timer))
        {
            timer.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }

    private void Start(object key, object message, TimeSpan dueTime, TimeSpan period)
    {
        Cancel(key);
        _timers[key] = time.CreateTimer(Deliver, message, dueTime, period);
    }

    private void Deliver(object? message) => owner.Tell(message, ActorRefs.NoSender);
}
