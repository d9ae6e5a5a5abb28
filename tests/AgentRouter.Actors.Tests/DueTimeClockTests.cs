using AgentRouter.Actors.Tests.Doubles;
using Microsoft.Extensions.Time.Testing;

namespace AgentRouter.Actors.Tests;

/// <summary>The clock the fault-schedule property advances with: it must know every live timer's next due time, or a
/// step could jump past a timer that should have fired first.</summary>
public sealed class DueTimeClockTests
{
    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void Advancing_goes_straight_to_the_next_due_timer_and_fires_it_once()
    {
        var fake = new FakeTimeProvider();
        var clock = new DueTimeClock(fake);
        var start = clock.GetUtcNow();
        var fired = new List<TimeSpan>();
        using var late = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow() - start), null, TimeSpan.FromMilliseconds(30), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow() - start), null, TimeSpan.FromMilliseconds(7), Timeout.InfiniteTimeSpan);

        Assert.Equal(start + TimeSpan.FromMilliseconds(7), clock.NextDue());
        clock.AdvanceToNextDue(Millisecond);
        Assert.Equal([TimeSpan.FromMilliseconds(7)], fired);
        Assert.Equal(start + TimeSpan.FromMilliseconds(30), clock.NextDue());

        clock.AdvanceToNextDue(Millisecond);
        Assert.Equal([TimeSpan.FromMilliseconds(7), TimeSpan.FromMilliseconds(30)], fired);
        Assert.Null(clock.NextDue());
    }

    [Fact]
    public void A_periodic_timer_is_due_again_one_period_after_it_fired()
    {
        var clock = new DueTimeClock(new FakeTimeProvider());
        var start = clock.GetUtcNow();
        var ticks = 0;
        using var timer = clock.CreateTimer(_ => ticks++, null, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5));

        clock.AdvanceToNextDue(Millisecond);
        clock.AdvanceToNextDue(Millisecond);

        Assert.Equal(2, ticks);
        Assert.Equal(start + TimeSpan.FromMilliseconds(15), clock.NextDue());
    }

    [Fact]
    public void Changed_and_disposed_timers_are_followed()
    {
        var clock = new DueTimeClock(new FakeTimeProvider());
        var start = clock.GetUtcNow();
        var changed = clock.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
        var disposed = clock.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(2), Timeout.InfiniteTimeSpan);

        changed.Change(TimeSpan.FromMilliseconds(40), Timeout.InfiniteTimeSpan);
        disposed.Dispose();

        Assert.Equal(start + TimeSpan.FromMilliseconds(40), clock.NextDue());
        changed.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.Null(clock.NextDue());
        changed.Dispose();
    }

    [Fact]
    public void Every_step_is_at_least_the_minimum_and_takes_the_timers_within_it_together()
    {
        var clock = new DueTimeClock(new FakeTimeProvider());
        var start = clock.GetUtcNow();
        var fired = 0;
        using var first = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMilliseconds(0.25), Timeout.InfiniteTimeSpan);
        using var second = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMilliseconds(0.75), Timeout.InfiniteTimeSpan);

        clock.AdvanceToNextDue(Millisecond);
        Assert.Equal((2, start + Millisecond), (fired, clock.GetUtcNow()));

        clock.AdvanceToNextDue(Millisecond); // nothing due: one minimum step
        Assert.Equal(start + (2 * Millisecond), clock.GetUtcNow());
    }
}
