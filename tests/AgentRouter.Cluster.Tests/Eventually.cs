using System.Diagnostics;

namespace AgentRouter.Cluster.Tests;

/// <summary>Awaits a condition on state owned by background loops (the TestKit's AwaitCondition for code that
/// is not an actor): re-checks it until it holds or the time is up, then fails saying what was awaited.</summary>
internal static class Eventually
{
    public static Task Until(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until(condition, () => what, timeout);

    /// <summary>As above, with the description built when the wait fails, so it can report the state at that moment.</summary>
    public static async Task Until(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"not reached within {limit}: {what()}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>As above, for a condition that must itself ask (Redis, an actor); re-checked every 50 ms.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"not reached within {limit}: {what()}");
            }

            await Task.Delay(50);
        }
    }
}
