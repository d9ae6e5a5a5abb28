using System.Diagnostics;
using System.Globalization;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Cli.Bench;

/// <summary>What <c>bench soak</c> runs.</summary>
/// <param name="Rate">Queries started per second (0: as fast as <paramref name="Concurrency"/> callers go).</param>
/// <param name="FeedbackShare">Share of answered queries that get feedback (the rest expire from the ledger).</param>
/// <param name="NovelTaskTypeShare">Share of queries with a task type never seen before, so that every per-task-type
/// table meets its cap and eviction rule during the run.</param>
internal sealed record SoakSettings(
    long Requests = 1_000_000,
    double Rate = 5_000,
    int Concurrency = 64,
    TimeSpan? SampleInterval = null,
    int Agents = 6,
    int Panel = 3,
    string Policy = "ema",
    double FeedbackShare = 0.8,
    double NovelTaskTypeShare = 0.01,
    double MaxGrowth = SoakVerdict.DefaultMaxGrowth)
{
    public TimeSpan EffectiveSampleInterval => SampleInterval ?? TimeSpan.FromSeconds(10);
}

/// <summary>One sample: taken after a forced full, compacting GC, so <see cref="HeapAfterFullGcBytes"/> is what the
/// process really retains.</summary>
internal sealed record SoakSample(
    double Seconds, long Completed, double RatePerSecond, long RssBytes, long HeapBeforeGcBytes, long HeapAfterFullGcBytes,
    int Gen2Collections, long Failed, long FeedbackAccepted, long FeedbackRejected);

internal sealed record SoakResult(IReadOnlyList<SoakSample> Samples, long Answered, long Failed, long FeedbackAccepted, long FeedbackRejected, double Seconds, SoakVerdict Verdict);

/// <summary>A long in-process run of the real runtime (router, agent actors, policy, merge, feedback ledger) with
/// zero-latency simulated agents: many callers ask, most answered queries get feedback, a few queries bring new task
/// types; every sample interval the process is measured after a full GC.</summary>
internal static class SoakRun
{
    private static readonly string[] Options = ["A", "B", "C", "D"];
    private static readonly string[] TaskTypes = [.. Enumerable.Range(0, 16).Select(i => $"task-{i}")];

    public static async Task<SoakResult> RunAsync(SoakSettings settings, Action<SoakSample> onSample, CancellationToken cancellationToken)
    {
        await using var runtime = await StartAsync(settings).ConfigureAwait(false);
        var router = runtime.Client;
        var counters = new Counters();
        var clock = Stopwatch.StartNew();
        var samples = new List<SoakSample>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, settings.Concurrency)
            .Select(_ => Task.Run(() => CallerAsync(router, settings, counters, clock, stop.Token), stop.Token)).ToArray();
        var all = Task.WhenAll(workers);
        using var timer = new PeriodicTimer(settings.EffectiveSampleInterval);
        var previous = (Seconds: 0.0, Completed: 0L);
        while (!all.IsCompleted)
        {
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            await Task.WhenAny(tick, all).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (!tick.IsCompleted)
            {
                break; // the last requests finished between two samples: the final sample follows
            }

            var sample = Sample(clock, counters, previous);
            previous = (sample.Seconds, sample.Completed);
            samples.Add(sample);
            onSample(sample);
        }

        await all.ConfigureAwait(false);
        var final = Sample(clock, counters, previous);
        samples.Add(final);
        onSample(final);
        var verdict = SoakVerdict.Evaluate([.. samples.Select(s => s.HeapAfterFullGcBytes)], settings.MaxGrowth);
        return new SoakResult(samples, counters.Answered, counters.Failed, counters.FeedbackAccepted, counters.FeedbackRejected, clock.Elapsed.TotalSeconds, verdict);
    }

    private static async Task CallerAsync(IAgentRouter router, SoakSettings settings, Counters counters, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = Interlocked.Increment(ref counters.Started);
            if (index > settings.Requests)
            {
                return;
            }

            if (settings.Rate > 0)
            {
                // Open-loop pacing: query i is due at i / rate; a caller that is early waits (benchmark pacing, not a test).
                var wait = TimeSpan.FromSeconds(index / settings.Rate) - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }

            var random = new Random(unchecked((int)index));
            var taskType = random.NextDouble() < settings.NovelTaskTypeShare ? $"novel-{index}" : TaskTypes[random.Next(TaskTypes.Length)];
            var query = new Query($"soak-{index}", $"Question {index % 997}: which option?", taskType, Options: Options);
            try
            {
                var answered = await router.AskAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref counters.Answered);
                if (random.NextDouble() < settings.FeedbackShare)
                {
                    FeedbackSignal signal = random.Next(3) == 0
                        ? new FeedbackSignal.AnswerReward(random.NextDouble())
                        : new FeedbackSignal.CorrectChoice(Options[random.Next(Options.Length)]);
                    var result = await router.SubmitFeedbackAsync(answered.QueryId, signal, cancellationToken).ConfigureAwait(false);
                    if (result.Accepted)
                    {
                        Interlocked.Increment(ref counters.FeedbackAccepted);
                    }
                    else
                    {
                        Interlocked.Increment(ref counters.FeedbackRejected);
                    }
                }
            }
            catch (QueryFailedException)
            {
                Interlocked.Increment(ref counters.Failed);
            }
        }
    }

    private static SoakSample Sample(Stopwatch clock, Counters counters, (double Seconds, long Completed) previous)
    {
        var seconds = clock.Elapsed.TotalSeconds;
        var completed = Interlocked.Read(ref counters.Answered) + Interlocked.Read(ref counters.Failed);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: false);
        // A blocking, compacting collection of every generation (twice, with finalizers run in between), so that what
        // is left is what the process retains, not garbage that has not been collected yet.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heapAfter = GC.GetTotalMemory(forceFullCollection: false);
        using var process = Process.GetCurrentProcess();
        var interval = seconds - previous.Seconds;
        return new SoakSample(
            seconds, completed, interval > 0 ? (completed - previous.Completed) / interval : 0, process.WorkingSet64, heapBefore, heapAfter,
            GC.CollectionCount(2), Interlocked.Read(ref counters.Failed), Interlocked.Read(ref counters.FeedbackAccepted), Interlocked.Read(ref counters.FeedbackRejected));
    }

    private static Task<AgentRouterRuntime> StartAsync(SoakSettings settings)
    {
        var options = new AgentRouterOptions { SystemName = "soak", Backoff = RestartBackoff.None };
        for (var i = 0; i < settings.Agents; i++)
        {
            var backend = new SimulatedBackend(new SimulatedBackendSettings(Seed: 100 + i, Skill: 0.5 + 0.4 * i / settings.Agents, CostPerCall: 0.001 * (i + 1)));
            options.AddAgent(AgentRouterOptions.Manifest($"sim-{i}", "simulated", expectedLatencyMs: 1, costPerCall: 0.001 * (i + 1)), backend);
        }

        options.AddRouter(new RouterSettings("soak", PanelSize: settings.Panel, MaxRetries: 2, TickInterval: TimeSpan.FromMilliseconds(10)), settings.Policy, new PolicySettings(Seed: 7));
        return AgentRouterRuntime.StartAsync(options);
    }

    public static string Format(SoakSettings settings, SoakResult result)
    {
        static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            FormattableString.Invariant($"Setup: {settings.Requests:N0} queries, {(settings.Rate > 0 ? $"{settings.Rate:N0}/s paced" : "unpaced")}, {settings.Concurrency} callers, {settings.Agents} zero-latency simulated agents, panel k = {settings.Panel}, policy {settings.Policy}, feedback on {settings.FeedbackShare:P0} of answers, {settings.NovelTaskTypeShare:P1} of queries with a new task type; sampled every {settings.EffectiveSampleInterval.TotalSeconds:0.#} s after a forced full compacting GC; {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC."),
            "",
            "| # | time (s) | queries done | rate (/s) | RSS (MB) | heap before GC (MB) | heap after full GC (MB) | gen2 GCs | failed | feedback accepted / rejected |",
            "|---|---|---|---|---|---|---|---|---|---|",
        };
        lines.AddRange(result.Samples.Select((s, i) => FormattableString.Invariant(
            $"| {i + 1} | {s.Seconds:0.0} | {s.Completed:N0} | {s.RatePerSecond:N0} | {Mb(s.RssBytes)} | {Mb(s.HeapBeforeGcBytes)} | {Mb(s.HeapAfterFullGcBytes)} | {s.Gen2Collections} | {s.Failed:N0} | {s.FeedbackAccepted:N0} / {s.FeedbackRejected:N0} |")));
        lines.Add("");
        lines.Add(FormattableString.Invariant($"Answered {result.Answered:N0}, failed {result.Failed:N0} in {result.Seconds:0} s ({(result.Answered + result.Failed) / result.Seconds:N0}/s); feedback accepted {result.FeedbackAccepted:N0}, rejected {result.FeedbackRejected:N0}."));
        lines.Add("Verdict: " + result.Verdict.Reason);
        return string.Join(Environment.NewLine, lines);
    }

    private sealed class Counters
    {
        public long Started;
        public long Answered;
        public long Failed;
        public long FeedbackAccepted;
        public long FeedbackRejected;
    }
}
