using System.Diagnostics;
using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cli.Bench;

/// <summary>Open-loop load at a fixed rate, spread evenly: query i is due at <c>start + i / rate</c>. A pacing
/// thread sleeps in steps of tens of microseconds (<see cref="FineSleep"/>) and sends whatever has fallen due,
/// so at 150,000 queries/s arrivals come a few at a time rather than in millisecond bursts of 150 — bursts
/// that would themselves queue up and inflate the tail. Latency is measured from each query's <em>due</em>
/// time, not from when the thread got round to sending it: if the generator falls behind (descheduled, or a
/// GC pause stopped it), that delay counts against the reply, as it would for a real caller (no coordinated
/// omission). How far sends lagged their due times is reported separately.</summary>
internal static class PacedLoad
{
    private static readonly string[] Options = ["A", "B", "C", "D"];

    public static async Task<PacedReport> RunAsync(ActorSystem system, IActorRef router, double ratePerSecond, TimeSpan duration, string prefix)
    {
        var total = (int)(ratePerSecond * duration.TotalSeconds);
        var dueTimes = new long[total];
        var sendLag = new LatencyHistogram();
        var done = new TaskCompletionSource<ClientReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = system.ActorOf(Props.Create(() => new Recorder(dueTimes, prefix.Length, total, done)));
        var ticksPerQuery = Stopwatch.Frequency / ratePerSecond;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            dueTimes[i] = start + (long)(i * ticksPerQuery);
        }

        var thread = new Thread(() =>
        {
            var sent = 0;
            while (sent < total)
            {
                var now = Stopwatch.GetTimestamp();
                for (; sent < total && dueTimes[sent] <= now; sent++)
                {
                    sendLag.Record(Stopwatch.GetTimestamp() - dueTimes[sent]);
                    router.Tell(new RouteQuery(new Query(prefix + sent.ToString(System.Globalization.CultureInfo.InvariantCulture), "benchmark question", Options: Options)), recorder);
                }

                if (sent < total)
                {
                    // Pacing of the load generator, not synchronisation.
                    FineSleep.Until(dueTimes[sent]);
                }
            }
        })
        { IsBackground = true, Name = "paced-load" };
        thread.Start();
        var finished = await Task.WhenAny(done.Task, Task.Delay(duration + TimeSpan.FromSeconds(30))).ConfigureAwait(false);
        thread.Join();
        if (finished != done.Task)
        {
            recorder.Tell(new Recorder.GiveUp());
        }

        return new PacedReport(await done.Task.ConfigureAwait(false), sendLag);
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(long[] dueTimes, int prefixLength, int total, TaskCompletionSource<ClientReport> done)
        {
            var latency = new LatencyHistogram();
            long answered = 0;
            long failed = 0;
            Receive<QueryOutcome>(outcome =>
            {
                var index = int.Parse(outcome.QueryId.AsSpan(prefixLength), provider: System.Globalization.CultureInfo.InvariantCulture);
                latency.Record(Stopwatch.GetTimestamp() - dueTimes[index]);
                if (outcome is QueryAnswered)
                {
                    answered++;
                }
                else
                {
                    failed++;
                }

                if (answered + failed == total)
                {
                    done.TrySetResult(new ClientReport(total, answered, failed, 0, latency));
                }
            });
            Receive<GiveUp>(_ => done.TrySetResult(new ClientReport(total, answered, failed, (int)(total - answered - failed), latency)));
        }

        public sealed record GiveUp;
    }
}

/// <param name="SendLag">How late each query was sent relative to its due time (the generator's own lag).</param>
internal sealed record PacedReport(ClientReport Replies, LatencyHistogram SendLag);
