using System.Collections.Concurrent;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.KvSharing;
using static TorchSharp.torch;

namespace AgentRouter.LocalAgents;

/// <summary>Loads each checkpoint folder once and shares its <see cref="ModelHost"/> (one torch thread) among all
/// agents on the same weights, and holds one KV block pool per device shared by every local agent (reported through
/// <see cref="KvPoolMeter"/>). Disposing disposes every host and pool.</summary>
public sealed class SharedModelHosts : IDisposable
{
    private static int _instances;

    private readonly ConcurrentDictionary<string, Lazy<ModelHost>> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<(KvBlockPool Pool, IDisposable Registration)>> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<ChatCheckpoint>> _chats = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<LowRankKvGroup>> _lowRankGroups = new(StringComparer.Ordinal);
    private readonly int _instance = Interlocked.Increment(ref _instances);

    public SharedModelHosts(KvBlockPoolOptions? kvPoolOptions = null)
    {
        KvPoolOptions = (kvPoolOptions ?? new KvBlockPoolOptions()).Validated();
    }

    public KvBlockPoolOptions KvPoolOptions { get; }

    public int LoadedCount => _hosts.Values.Count(host => host.IsValueCreated);

    /// <summary>The host of <paramref name="modelDirectory"/>, loading it on first use. A failed load is not cached,
    /// so the error surfaces to every agent that asks.</summary>
    /// <param name="device">The device; null picks CUDA when libtorch sees it, else the CPU.</param>
    /// <param name="dtype">The parameters' dtype: the same folder in two dtypes is two hosts.</param>
    public ModelHost Get(string modelDirectory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var key = WeightsId(modelDirectory, device, dtype);
        var path = WeightsId(modelDirectory);
        var lazy = _hosts.GetOrAdd(key, _ => new Lazy<ModelHost>(() => ModelHost.LoadAsync(path, device, dtype).GetAwaiter().GetResult()));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _hosts.TryRemove(new KeyValuePair<string, Lazy<ModelHost>>(key, lazy));
            throw;
        }
    }

    /// <summary>The tokenizer, chat template and stop ids of the chat checkpoint in <paramref name="modelDirectory"/>, read once
    /// and shared by every chat agent on it. A failed read is not cached.</summary>
    public ChatCheckpoint Chat(string modelDirectory, Inference.Configuration.MoeModelConfig config)
    {
        var key = WeightsId(modelDirectory);
        var lazy = _chats.GetOrAdd(key, path => new Lazy<ChatCheckpoint>(() => ChatCheckpoint.Load(path, config)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _chats.TryRemove(new KeyValuePair<string, Lazy<ChatCheckpoint>>(key, lazy));
            throw;
        }
    }

    /// <summary>The identity of the weights in <paramref name="modelDirectory"/> that keys shared KV blocks: the full path.</summary>
    public static string WeightsId(string modelDirectory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory));

    /// <summary>The identity of the weights in <paramref name="modelDirectory"/> as loaded on a device in a dtype: the full path,
    /// followed by the dtype and device when they are not the defaults (their KV blocks must never mix).</summary>
    public static string WeightsId(string modelDirectory, Device? device, ScalarType dtype) =>
        device is null && dtype == ScalarType.Float32 ? WeightsId(modelDirectory) : $"{WeightsId(modelDirectory)}|{InferenceDType.Name(dtype)}|{device?.ToString() ?? "auto"}";

    /// <summary>The process's KV pool for <paramref name="device"/> (e.g. "cpu", "cuda:0"), created on first use.</summary>
    public KvBlockPool KvPool(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return _pools.GetOrAdd(device, name => new Lazy<(KvBlockPool, IDisposable)>(() =>
        {
            var pool = new KvBlockPool(KvPoolOptions);
            return (pool, KvPoolMeter.Register(_instance == 1 ? name : $"{name}#{_instance}", pool));
        })).Value.Pool;
    }

    /// <summary>A shared-KV view of the model in <paramref name="modelDirectory"/> on its device's pool.</summary>
    /// <param name="adapterDirectory">The adapter's folder when the agent is a LoRA adapter over this base: its blocks are
    /// keyed by base and adapter, so they are shared only with agents on the same adapter.</param>
    public SharedKvModel SharedKv(string modelDirectory, string? adapterDirectory = null, LoraAdapter? adapter = null, Device? onDevice = null,
        ScalarType dtype = ScalarType.Float32)
    {
        var host = Get(modelDirectory, onDevice, dtype);
        var device = host.RunAsync(model => model.Device.ToString()).GetAwaiter().GetResult();
        return new SharedKvModel(host, KvPool(device), SharedKvModel.WeightsIdFor(WeightsId(modelDirectory, onDevice, dtype), adapterDirectory), adapter);
    }

    /// <summary>The low-rank (LRAgent) group of the base in <paramref name="modelDirectory"/>, created on first use.</summary>
    /// <exception cref="LowRankSharingException">The base's keys are not linear in an adapter update (q/k norm, clip_qkv).</exception>
    public LowRankKvGroup LowRankGroup(string modelDirectory, Device? onDevice = null, ScalarType dtype = ScalarType.Float32)
    {
        var key = WeightsId(modelDirectory, onDevice, dtype);
        return _lowRankGroups.GetOrAdd(key, _ => new Lazy<LowRankKvGroup>(() =>
        {
            var host = Get(modelDirectory, onDevice, dtype);
            var device = host.RunAsync(model => model.Device.ToString()).GetAwaiter().GetResult();
            return new LowRankKvGroup(host, KvPool(device), key);
        })).Value;
    }

    public void Dispose()
    {
        foreach (var group in _lowRankGroups.Values.Where(group => group.IsValueCreated))
        {
            group.Value.Dispose();
        }
        _lowRankGroups.Clear();
        foreach (var host in _hosts.Values.Where(host => host.IsValueCreated))
        {
            host.Value.Dispose();
        }
        _hosts.Clear();
        foreach (var pool in _pools.Values.Where(pool => pool.IsValueCreated))
        {
            pool.Value.Registration.Dispose();
            pool.Value.Pool.Dispose();
        }
        _pools.Clear();
    }
}
