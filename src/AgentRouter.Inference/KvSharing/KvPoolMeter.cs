using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// Publishes every registered <see cref="KvBlockPool"/> as instruments of meter <see cref="MeterName"/> (tag <c>pool</c>), so
/// whatever exports the process's metrics (the server's Prometheus endpoint adds this meter by name) reports them.
/// </summary>
public static class KvPoolMeter
{
    public const string MeterName = "AgentRouter.KvCache";

    private static readonly ConcurrentDictionary<string, KvBlockPool> Pools = new(StringComparer.Ordinal);
    private static readonly Meter Meter = CreateMeter();

    /// <summary>Reports <paramref name="pool"/> under <paramref name="name"/> until the returned handle is disposed.</summary>
    public static IDisposable Register(string name, KvBlockPool pool)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(pool);
        _ = Meter;
        Pools[name] = pool;
        return new Registration(name, pool);
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName);
        meter.CreateObservableGauge("agentrouter.kv.bytes_used", () => Observe(metrics => metrics.UsedBytes), "By", "KV bytes held by the pool (referenced and cached blocks)");
        meter.CreateObservableGauge("agentrouter.kv.bytes_budget", () => Observe(metrics => metrics.BudgetBytes), "By", "The pool's byte budget");
        meter.CreateObservableGauge("agentrouter.kv.bytes_free", () => Observe(metrics => metrics.FreeBytes), "By", "Budget not held by any block");
        meter.CreateObservableGauge("agentrouter.kv.blocks_in_use", () => Observe(metrics => (long)metrics.BlocksInUse), "{block}", "Blocks referenced by a sequence");
        meter.CreateObservableGauge("agentrouter.kv.blocks_cached", () => Observe(metrics => (long)metrics.BlocksCached), "{block}", "Unreferenced blocks kept for reuse (evictable)");
        meter.CreateObservableGauge("agentrouter.kv.waiting_requests", () => Observe(metrics => (long)metrics.WaitingRequests), "{request}", "Requests queued for KV budget");
        meter.CreateObservableGauge("agentrouter.kv.hit_rate", () => Pools.Select(pair => new Measurement<double>(pair.Value.Metrics().HitRate, new KeyValuePair<string, object?>("pool", pair.Key))),
            description: "Share of looked-up prompt blocks found in the cache");
        meter.CreateObservableCounter("agentrouter.kv.block_lookups", () => Observe(metrics => metrics.BlockLookups), "{block}", "Prompt blocks looked up");
        meter.CreateObservableCounter("agentrouter.kv.block_hits", () => Observe(metrics => metrics.BlockHits), "{block}", "Prompt blocks found in the cache");
        meter.CreateObservableCounter("agentrouter.kv.bytes_saved", () => Observe(metrics => metrics.BytesSaved), "By", "KV bytes reused instead of computed and held again");
        meter.CreateObservableCounter("agentrouter.kv.prefill_tokens_saved", () => Observe(metrics => metrics.PrefillTokensSaved), "{token}", "Prompt tokens not prefilled thanks to reuse");
        meter.CreateObservableCounter("agentrouter.kv.evictions", () => Observe(metrics => metrics.Evictions), "{block}", "Cached blocks evicted to stay within budget");
        return meter;
    }

    private static IEnumerable<Measurement<long>> Observe(Func<KvPoolMetrics, long> value) =>
        Pools.Select(pair => new Measurement<long>(value(pair.Value.Metrics()), new KeyValuePair<string, object?>("pool", pair.Key)));

    private sealed class Registration(string name, KvBlockPool pool) : IDisposable
    {
        public void Dispose() => Pools.TryRemove(new KeyValuePair<string, KvBlockPool>(name, pool));
    }
}
