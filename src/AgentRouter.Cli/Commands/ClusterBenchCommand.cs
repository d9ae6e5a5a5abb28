using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Cluster.Discovery;
using AgentRouter.Cluster.Hosting;
using AgentRouter.Cluster.State;
using AgentRouter.Core.Domain;


namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter cluster-bench</c>: joins a running cluster as a router node, drives closed-loop load
/// through it, optionally kills a models node process part-way, and reports throughput, failover time, and
/// lost queries and feedback.</summary>
internal static class ClusterBenchCommand
{
    private static readonly Option<double> Duration = new("--duration") { Description = "Seconds of load.", DefaultValueFactory = _ => 20 };
    private static readonly Option<int> Concurrency = new("--concurrency") { Description = "Queries in flight at once.", DefaultValueFactory = _ => 64 };
    private static readonly Option<int> ExpectAgents = new("--expect-agents") { Description = "Wait until this many agents are visible.", DefaultValueFactory = _ => 4 };
    private static readonly Option<int?> KillPid = new("--kill-pid") { Description = "Process id of a models node to kill (SIGKILL) during the run." };
    private static readonly Option<double> KillAfter = new("--kill-after") { Description = "Seconds into the run at which --kill-pid is killed.", DefaultValueFactory = _ => 8 };
    private static readonly Option<int> BenchPanel = new("--bench-panel") { Description = "Panel size of the benchmark's router.", DefaultValueFactory = _ => 1 };

    public static Command Build()
    {
        var command = new Command("cluster-bench", "Load a running cluster through a router node of its own; optionally kill a models node mid-run.");
        foreach (var option in new Option[] { NodeCommand.Seeds, NodeCommand.Redis, NodeCommand.Host, NodeCommand.Policy, Duration, Concurrency, ExpectAgents, KillPid, KillAfter, BenchPanel })
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        const string routerName = "bench";
        var redisConfig = parseResult.GetValue(NodeCommand.Redis);
        var runtime = new AgentRouterOptions();
        runtime.AddRouter(new RouterSettings(routerName, PanelSize: parseResult.GetValue(BenchPanel), MaxRetries: 3, AgentDeadline: TimeSpan.FromSeconds(10), QueryDeadline: TimeSpan.FromSeconds(30)), parseResult.GetValue(NodeCommand.Policy)!);
        var options = new ClusterNodeOptions(
            [NodeRoles.Router], runtime, Hostname: parseResult.GetValue(NodeCommand.Host)!, Port: 0, Seeds: NodeCommand.Split(parseResult.GetValue(NodeCommand.Seeds)),
            SharedState: string.IsNullOrWhiteSpace(redisConfig) ? null : new SharedStateOptions(redisConfig), NodeId: $"bench-{Environment.ProcessId}", Tuning: ClusterTuning.Fast);
        await using var node = await AgentRouter.Hosting.AgentRouterHost.StartNodeAsync(options, cancellationToken: cancellationToken);
        var expected = parseResult.GetValue(ExpectAgents);
        var waitStarted = Stopwatch.GetTimestamp();
        while ((await NodeStatus.CaptureAsync(node)).Agents.Count < expected)
        {
            if (Stopwatch.GetElapsedTime(waitStarted) > TimeSpan.FromSeconds(60))
            {
                await Console.Error.WriteLineAsync($"cluster-bench: fewer than {expected} agents visible after 60 s");
                return 2;
            }

            await Task.Delay(100, cancellationToken);
        }

        var client = node.Client!;
        var duration = TimeSpan.FromSeconds(parseResult.GetValue(Duration));
        var killPid = parseResult.GetValue(KillPid);
        var killAfter = TimeSpan.FromSeconds(parseResult.GetValue(KillAfter));
        var records = new ConcurrentBag<Record>();
        long sequence = 0;
        long feedbackSubmitted = 0;
        var started = Stopwatch.GetTimestamp();
        double? killedAt = null;
        var killer = killPid is { } pid
            ? Task.Run(async () =>
            {
                await Task.Delay(killAfter, cancellationToken);
                killedAt = Stopwatch.GetElapsedTime(started).TotalSeconds;
                System.Diagnostics.Process.GetProcessById(pid).Kill();
                Console.WriteLine($"killed models node pid {pid} at t={killedAt:F3}s");
            }, cancellationToken)
            : Task.CompletedTask;
        var workers = Enumerable.Range(0, parseResult.GetValue(Concurrency)).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var id = $"bench-{Environment.ProcessId}-{Interlocked.Increment(ref sequence)}";
                var begin = Stopwatch.GetElapsedTime(started).TotalSeconds;
                try
                {
                    var answer = await client.AskAsync(new Query(id, $"benchmark question {id}", "math", Options: ["A", "B", "C", "D"]), cancellationToken: CancellationToken.None);
                    records.Add(new Record(begin, Stopwatch.GetElapsedTime(started).TotalSeconds, Outcome.Answered, answer.Retries));
                    // Only accepted feedback is promised to be applied; a refusal (Redis unreachable: 503) is the client's to resend.
                    if ((await client.SubmitFeedbackAsync(id, new FeedbackSignal.CorrectChoice("A"), CancellationToken.None)).Accepted)
                    {
                        Interlocked.Increment(ref feedbackSubmitted);
                    }
                }
                catch (QueryFailedException)
                {
                    records.Add(new Record(begin, Stopwatch.GetElapsedTime(started).TotalSeconds, Outcome.Failed, 0));
                }
                catch (Akka.Actor.AskTimeoutException)
                {
                    records.Add(new Record(begin, Stopwatch.GetElapsedTime(started).TotalSeconds, Outcome.Lost, 0));
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        await killer;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var lostFeedback = redisConfig is null ? (long?)null : await CountLostFeedbackAsync(node, redisConfig, routerName, Interlocked.Read(ref feedbackSubmitted));
        Report(records.OrderBy(r => r.Start).ToList(), elapsed, killedAt, Interlocked.Read(ref sequence), Interlocked.Read(ref feedbackSubmitted), lostFeedback, node.StateMonitor.Status());
        return 0;
    }

    /// <summary>Feedback is lost when, after the feedback stream drained, fewer queries have their
    /// once-only marker in Redis than feedbacks were accepted.</summary>
    private static async Task<long> CountLostFeedbackAsync(ClusterNode node, string redisConfig, string router, long submitted)
    {
        await using var redis = await RedisConnection.ConnectAsync(redisConfig);
        var server = redis.GetServers()[0];
        var keys = new ClusterKeys();
        var pattern = keys.Appended(router, "fb:") + "*";
        var drainStarted = Stopwatch.GetTimestamp();
        long applied = 0;
        while (Stopwatch.GetElapsedTime(drainStarted) < TimeSpan.FromSeconds(60))
        {
            applied = 0;
            await foreach (var _ in server.KeysAsync(pattern: pattern, pageSize: 1000))
            {
                applied++;
            }

            if (applied >= submitted && node.StateMonitor.Status().Buffered == 0)
            {
                break;
            }

            await Task.Delay(250);
        }

        return submitted - applied;
    }

    private static void Report(List<Record> records, double elapsed, double? killedAt, long started, long feedbackSubmitted, long? lostFeedback, SharedStateStatus state)
    {
        var answered = records.Count(r => r.Outcome == Outcome.Answered);
        var failed = records.Where(r => r.Outcome == Outcome.Failed).ToList();
        var lost = records.Count(r => r.Outcome == Outcome.Lost) + (started - records.Count);
        var steady = records.Where(r => killedAt is null || r.End < killedAt).ToList();
        var steadyWindow = killedAt ?? elapsed;
        var latencies = steady.Select(r => (r.End - r.Start) * 1000).Order().ToList();
        string Percentile(double p) => latencies.Count == 0 ? "n/a" : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))].ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine($"queries started {started}, answered {answered}, failed {failed.Count}, lost (no terminal reply) {lost}");
        Console.WriteLine($"throughput: {answered / elapsed:F0} answered/s over {elapsed:F1} s; before the kill {steady.Count(r => r.Outcome == Outcome.Answered) / steadyWindow:F0}/s, p50 {Percentile(0.5)} ms, p99 {Percentile(0.99)} ms");
        if (killedAt is { } kill)
        {
            var affected = records.Where(r => r.End >= kill && (r.Outcome != Outcome.Answered || r.Retries > 0)).ToList();
            var lastError = failed.Where(r => r.End >= kill).Select(r => r.End).DefaultIfEmpty(kill).Max();
            var lastAffected = affected.Select(r => r.End).DefaultIfEmpty(kill).Max();
            var afterKill = records.Where(r => r.Start >= kill).Select(r => (r.End - r.Start) * 1000).DefaultIfEmpty(0).Max();
            Console.WriteLine($"failover: errors after the kill {failed.Count(r => r.End >= kill)}, error rate back to zero {(lastError - kill) * 1000:F0} ms after the kill; " +
                $"queries retried on the surviving node {affected.Count(r => r.Retries > 0)}, last of them done {(lastAffected - kill) * 1000:F0} ms after the kill; max latency of queries started after the kill {afterKill:F0} ms");
        }

        Console.WriteLine($"feedback accepted {feedbackSubmitted}, lost {(lostFeedback is null ? "n/a (no Redis)" : lostFeedback.Value.ToString(CultureInfo.InvariantCulture))}; shared state: degraded={state.Degraded} buffered={state.Buffered} dropped={state.Dropped} feedbackApplied(this node)={state.FeedbackApplied} duplicates={state.FeedbackDuplicates}");
    }

    private enum Outcome
    {
        Answered,
        Failed,
        Lost,
    }

    private readonly record struct Record(double Start, double End, Outcome Outcome, int Retries);
}
