using System.Diagnostics;
using Akka.Actor;

namespace AgentRouter.Cli.Bench;

/// <summary>The reference cost: raw Akka Ask round trips to an actor that replies at once, with as many asks in
/// flight as the router benchmark keeps queries in flight.</summary>
internal static class AskBaseline
{
    public static async Task<(double PerSecond, double CpuMicrosPerAsk)> MeasureAsync(ActorSystem system, int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        var echo = system.ActorOf(Props.Create(() => new Echo()), "ask-baseline-echo");
        var measuring = 0;
        using var stop = new CancellationTokenSource();
        // Each caller counts on its own, so no shared counter slows the baseline down.
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var ping = new Ping();
            long mine = 0;
            while (!stop.IsCancellationRequested)
            {
                await echo.Ask<Ping>(ping).ConfigureAwait(false);
                if (Volatile.Read(ref measuring) == 1)
                {
                    mine++;
                }
            }

            return mine;
        })).ToArray();

        // Warm-up and measurement windows of a benchmark, not synchronisation.
        await Task.Delay(warmup).ConfigureAwait(false);
        Volatile.Write(ref measuring, 1);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(duration).ConfigureAwait(false);
        Volatile.Write(ref measuring, 0);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
        await stop.CancelAsync().ConfigureAwait(false);
        var count = (await Task.WhenAll(callers).ConfigureAwait(false)).Sum();
        system.Stop(echo);
        return (count / elapsed, cpu / count);
    }

    private sealed record Ping;

    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<Ping>(ping => Sender.Tell(ping));
    }
}
