using System.Diagnostics;
using Akka.Actor;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cli.Bench;

/// <summary>Open-loop load at a fixed rate: a pacing thread wakes about every millisecond and sends every query
/// that has fallen due; a recorder actor measures each reply against the query's send time. Arrivals therefore
/// come in bursts of about a millisecond's worth — burstier than a uniform stream.</summary>
internal static class PacedLoad
{
    private static readonly string[] Options = ["A", "B", "C", "D"];

    public static async Task<ClientReport> RunAsync(ActorSystem system, IActorRef router, double ratePerSecond, TimeSpan duration, string prefix)
    {
        var total = (int)(ratePerSecond * duration.TotalSeconds);
        var sendTimes = new long[total];
        var done = new TaskCompletionSource<ClientReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = system.ActorOf(Props.Create(() => new Recorder(sendTimes, prefix.Length, total, done)));
        var thread = new Thread(() =>
        {
            var start = Stopwatch.GetTimestamp();
            var sent = 0;
            while (sent < total)
            {
                var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * ratePerSecond));
                for (; sent < due; sent++)
                {
                    sendTimes[sent] = Stopwatch.GetTimestamp();
                    router.Tell(new RouteQuery(new Query(prefix + sent.ToString(System.Globalization.CultureInfo.InvariantCulture), "benchmark question", Options: Options)), recorder);
                }

                // Pacing of the load generator (about 1 ms per wake-up), not synchronisation.
                Thread.Sleep(1);
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

        return await done.Task.ConfigureAwait(false);
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(long[] sendTimes, int prefixLength, int total, TaskCompletionSource<ClientReport> done)
        {
            var latency = new LatencyHistogram();
            long answered = 0;
            long failed = 0;
            Receive<QueryOutcome>(outcome =>
            {
                var index = int.Parse(outcome.QueryId.AsSpan(prefixLength), provider: System.Globalization.CultureInfo.InvariantCulture);
                latency.Record(Stopwatch.GetTimestamp() - sendTimes[index]);
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
