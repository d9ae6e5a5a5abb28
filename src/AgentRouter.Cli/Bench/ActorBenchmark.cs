using Akka.Actor;
using AgentRouter.Actors.Agents;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Policies;
using static AgentRouter.Actors.Protocol.RouterProtocol;

namespace AgentRouter.Cli.Bench;

/// <summary>What the actor benchmark runs.</summary>
internal sealed record ActorBenchmarkSettings(
    int Agents = 6,
    int Panel = 3,
    string Policy = "ema",
    string Merge = "majority",
    int Clients = 4,
    int Window = 256,
    TimeSpan? Warmup = null,
    TimeSpan? Duration = null,
    double CrashRate = 0.10,
    double TimeoutRate = 0.05,
    TimeSpan? FaultDeadline = null,
    bool RunFaults = true,
    string? Hocon = null,
    int FeedbackCapacity = 100_000,
    TimeSpan? PacedDuration = null,
    int PacedPeriodMicros = PacedLoad.DefaultPeriodMicros,
    int MaxInFlight = RouterSettings.DefaultMaxInFlight,
    double? PacedRate = null,
    int MaxMailboxBacklog = RouterSettings.DefaultMaxMailboxBacklog,
    bool AllocationProfile = false)
{
    public TimeSpan EffectiveWarmup => Warmup ?? TimeSpan.FromSeconds(2);

    public TimeSpan EffectiveDuration => Duration ?? TimeSpan.FromSeconds(5);

    /// <summary>The paced run lasts longer than the closed-loop ones: its p99.9 needs enough samples and enough
    /// time for the slower GC generations to run.</summary>
    public TimeSpan EffectivePacedDuration => PacedDuration ?? 2 * EffectiveDuration;

    /// <summary>The generator's reference run against an echo actor: long enough for a stable CPU figure.</summary>
    public TimeSpan EchoPacedDuration => TimeSpan.FromSeconds(Math.Min(3, EffectivePacedDuration.TotalSeconds));

    public TimeSpan EffectiveFaultDeadline => FaultDeadline ?? TimeSpan.FromMilliseconds(50);
}

/// <param name="CpuMicrosPerQuery">Process CPU time (all threads, GC included) per completed query: unlike the
/// wall-clock rate it barely depends on what else the machine runs.</param>
internal sealed record LoadResult(
    double QueriesPerSecond, long Answered, long Failed, long Lost, LatencySummary Latency, double CpuMicrosPerQuery, double BytesPerQuery, GcActivity Gc)
{
    public static LoadResult From(ProcessUsage usage, long answered, long failed, long lost, LatencyHistogram latency) => new(
        (answered + failed) / usage.Seconds, answered, failed, lost, LatencySummary.From(latency),
        usage.CpuMicros / (answered + failed), (double)usage.Bytes / (answered + failed), usage.Gc);
}

/// <param name="BareFanOut">The same closed-loop load through a bare three-way fan-out-and-collect actor.</param>
/// <param name="PacedSendLag">How late the paced generator sent queries relative to their due times.</param>
/// <param name="PacedOverloaded">Paced queries the router refused at its admission limit.</param>
/// <param name="EchoPaced">The same generator at the same rate against an actor that answers at once: the harness's own cost.</param>
internal sealed record ActorBenchmarkResult(
    double AskPerSecond, double CpuMicrosPerAsk, LoadResult BareFanOut, LoadResult Peak, double PacedRate, LoadResult Paced, LatencySummary PacedSendLag,
    long PacedOverloaded, LoadResult EchoPaced, LatencySummary EchoSendLag, LoadResult? Faults, long FaultRetries, long FaultTimeouts)
{
    /// <summary>Each allocated type's share of the bytes allocated during the peak run (sampled), when profiled.</summary>
    public IReadOnlyList<AllocationShare> PeakAllocations { get; init; } = [];
}

/// <summary>Zero-latency simulated agents behind the real runtime (router, agent actors, supervision), driven
/// by closed-loop client actors; a raw Ask baseline in the same process; a paced run at half the peak rate;
/// and a run with injected crashes and timeouts that counts lost queries.</summary>
internal static class ActorBenchmark
{
    public static async Task<ActorBenchmarkResult> RunAsync(ActorBenchmarkSettings settings, Action<string> progress)
    {
        double askRate;
        double askCpu;
        LoadResult bare;
        LoadResult peak;
        LoadResult paced;
        LatencySummary sendLag;
        double pacedRate;
        long pacedOverloaded;
        LoadResult echo;
        LatencySummary echoLag;
        IReadOnlyList<AllocationShare> allocations = [];
        await using (var runtime = await StartAsync(settings, crashRate: 0, hangRate: 0).ConfigureAwait(false))
        {
            progress("raw Ask baseline...");
            (askRate, askCpu) = await AskBaseline.MeasureAsync(runtime.System, settings.Clients * settings.Window, settings.EffectiveWarmup, settings.EffectiveDuration).ConfigureAwait(false);
            progress($"  {askRate:N0} asks/s");
            progress("bare fan-out-and-collect, closed loop...");
            bare = await ClosedLoopAsync(runtime.System, BareFanOutActor.Start(runtime.System, settings.Panel), settings, "b").ConfigureAwait(false);
            progress($"  {bare.QueriesPerSecond:N0} fan-outs/s");
            progress("router, closed loop at peak...");
            using (var sampler = settings.AllocationProfile ? new AllocationSampler() : null)
            {
                sampler?.Start();
                peak = await ClosedLoopAsync(runtime.System, runtime.Routers[runtime.DefaultRouter], settings, "p").ConfigureAwait(false);
                allocations = sampler?.Stop() ?? [];
            }

            progress($"  {peak.QueriesPerSecond:N0} queries/s");
            // A fixed rate makes runs comparable with each other; half of each run's own peak is the goal's definition.
            pacedRate = settings.PacedRate ?? peak.QueriesPerSecond / 2;
            progress($"paced generator against an echo actor at {pacedRate:N0}/s (the harness's own cost)...");
            (echo, echoLag, _) = await PacedAsync(runtime.System, EchoRouteActor.Start(runtime.System), pacedRate, settings.EchoPacedDuration, settings.PacedPeriodMicros, "e").ConfigureAwait(false);
            progress($"  p50 / p90 / p99 / p99.9 {echo.Latency} ms, {echo.CpuMicrosPerQuery:0.00} µs CPU per query");
            progress($"router, paced at {pacedRate:N0}/s...");
            (paced, sendLag, pacedOverloaded) = await PacedAsync(runtime.System, runtime.Routers[runtime.DefaultRouter], pacedRate, settings.EffectivePacedDuration, settings.PacedPeriodMicros, "h").ConfigureAwait(false);
            progress($"  p50 / p90 / p99 / p99.9 {paced.Latency} ms");
        }

        if (!settings.RunFaults)
        {
            return new ActorBenchmarkResult(askRate, askCpu, bare, peak, pacedRate, paced, sendLag, pacedOverloaded, echo, echoLag, null, 0, 0) { PeakAllocations = allocations };
        }

        progress($"router with {settings.CrashRate:P0} crashes and {settings.TimeoutRate:P0} timeouts...");
        await using var faulty = await StartAsync(settings, settings.CrashRate, settings.TimeoutRate).ConfigureAwait(false);
        var faults = await ClosedLoopAsync(faulty.System, faulty.Routers[faulty.DefaultRouter], settings, "f").ConfigureAwait(false);
        var stats = await faulty.Routers[faulty.DefaultRouter].Ask<RouterStats>(GetRouterStats.Instance, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return new ActorBenchmarkResult(askRate, askCpu, bare, peak, pacedRate, paced, sendLag, pacedOverloaded, echo, echoLag, faults, stats.Retries, stats.AgentTimeouts) { PeakAllocations = allocations };
    }

    private static async Task<(LoadResult Result, LatencySummary SendLag, long Overloaded)> PacedAsync(
        ActorSystem system, IActorRef target, double rate, TimeSpan duration, int periodMicros, string prefix)
    {
        var meter = new ProcessMeter();
        var report = await PacedLoad.RunAsync(system, target, rate, duration, prefix, periodMicros).ConfigureAwait(false);
        var replies = report.Replies;
        return (LoadResult.From(meter.Stop(), replies.Answered, replies.Failed, replies.Outstanding, replies.Latency), LatencySummary.From(report.SendLag), report.Overloaded);
    }

    private static Task<AgentRouterRuntime> StartAsync(ActorBenchmarkSettings settings, double crashRate, double hangRate)
    {
        var options = new AgentRouterOptions
        {
            SystemName = "bench",
            Hocon = settings.Hocon,
            Backoff = RestartBackoff.None,
        };
        for (var i = 0; i < settings.Agents; i++)
        {
            var backend = new SimulatedBackend(new SimulatedBackendSettings(Seed: 100 + i, Skill: 0.5 + 0.4 * i / settings.Agents, CrashRate: crashRate, HangRate: hangRate, CostPerCall: 0.001 * (i + 1)));
            options.AddAgent(AgentRouterOptions.Manifest($"sim-{i}", "simulated", expectedLatencyMs: 1, costPerCall: 0.001 * (i + 1)), backend);
        }

        var faulty = crashRate > 0 || hangRate > 0;
        options.AddRouter(
            new RouterSettings(
                "bench",
                PanelSize: settings.Panel,
                MergeStrategy: settings.Merge,
                AgentDeadline: faulty ? settings.EffectiveFaultDeadline : TimeSpan.FromSeconds(5),
                QueryDeadline: faulty ? settings.EffectiveFaultDeadline * 3 : TimeSpan.FromSeconds(10),
                MaxRetries: 2,
                PendingFeedbackCapacity: settings.FeedbackCapacity,
                TickInterval: TimeSpan.FromMilliseconds(10),
                MaxInFlight: settings.MaxInFlight,
                MaxMailboxBacklog: settings.MaxMailboxBacklog),
            settings.Policy,
            new PolicySettings(Seed: 7));
        return AgentRouterRuntime.StartAsync(options);
    }

    private static async Task<LoadResult> ClosedLoopAsync(ActorSystem system, IActorRef router, ActorBenchmarkSettings settings, string tag)
    {
        var clients = Enumerable.Range(0, settings.Clients)
            .Select(i => system.ActorOf(LoadClientActor.Props(router, settings.Window, $"{tag}{i}-")))
            .ToArray();
        foreach (var client in clients)
        {
            client.Tell(new LoadClientActor.Start());
        }

        // Warm-up and measurement windows of a benchmark, not synchronisation.
        await Task.Delay(settings.EffectiveWarmup).ConfigureAwait(false);
        foreach (var client in clients)
        {
            client.Tell(new LoadClientActor.BeginMeasure());
        }

        var meter = new ProcessMeter();
        await Task.Delay(settings.EffectiveDuration).ConfigureAwait(false);
        var snapshots = await Task.WhenAll(clients.Select(c => Ask(c, reply => new LoadClientActor.Snapshot(reply)))).ConfigureAwait(false);
        var usage = meter.Stop();

        // Drain: stop sending and wait for every outstanding query's terminal reply (bounded by the deadlines).
        var drains = clients.Select(c => Ask(c, reply => new LoadClientActor.StopAndDrain(reply))).ToArray();
        var drained = Task.WhenAll(drains);
        await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(30))).ConfigureAwait(false);
        long lost = 0;
        foreach (var (drain, client) in drains.Zip(clients))
        {
            lost += drain.IsCompletedSuccessfully
                ? 0
                : (await Ask(client, reply => new LoadClientActor.Snapshot(reply)).ConfigureAwait(false)).Outstanding;
        }

        var latency = new LatencyHistogram();
        foreach (var snapshot in snapshots)
        {
            latency.Add(snapshot.Latency);
        }

        var answered = snapshots.Sum(s => s.Answered);
        var failed = snapshots.Sum(s => s.Failed);
        foreach (var client in clients)
        {
            system.Stop(client);
        }

        return LoadResult.From(usage, answered, failed, lost, latency);
    }

    private static Task<ClientReport> Ask(IActorRef client, Func<TaskCompletionSource<ClientReport>, object> message)
    {
        var reply = new TaskCompletionSource<ClientReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Tell(message(reply));
        return reply.Task;
    }
}
