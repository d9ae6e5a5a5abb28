using Microsoft.Extensions.Time.Testing;

namespace AgentRouter.Actors.Tests.Doubles;

/// <summary>A <see cref="FakeTimeProvider"/> that also knows when its next timer is due, so that a test can advance
/// straight to the next moment anything can happen instead of stepping through empty milliseconds. Every timer the code
/// under test creates goes through here and is recorded with its due time (and, once it fires, its next period).</summary>
internal sealed class DueTimeClock(FakeTimeProvider inner) : TimeProvider
{
    private readonly object _gate = new();
    private readonly HashSet<RecordedTimer> _timers = [];

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <summary>The earliest time a live timer is due, or null when none is.</summary>
    public DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var timer in _timers)
            {
                if (timer.Due is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    /// <summary>Advances to the next due timer, but at least <paramref name="minimum"/> (so that every call makes
    /// progress, and timers within that step fire together as they would under fixed steps of that size).</summary>
    public void AdvanceToNextDue(TimeSpan minimum)
    {
        var now = inner.GetUtcNow();
        var gap = NextDue() is { } due ? due - now : minimum;
        inner.Advance(gap > minimum ? gap : minimum);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new RecordedTimer(this);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        // Recorded before the inner timer exists: a timer due at once fires inside CreateTimer.
        timer.Record(dueTime, period);
        timer.Inner = inner.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state, dueTime, period);
        return timer;
    }

    private sealed class RecordedTimer(DueTimeClock clock) : ITimer
    {
        private TimeSpan _period;

        public ITimer? Inner { get; set; }

        public DateTimeOffset? Due { get; private set; }

        public void Record(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
                _period = period;
            }
        }

        public void Fired()
        {
            lock (clock._gate)
            {
                var periodic = _period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero;
                Due = periodic && Due is { } due ? due + _period : null;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Record(dueTime, period);
            return Inner?.Change(dueTime, period) ?? false;
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
                Due = null;
            }

            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
