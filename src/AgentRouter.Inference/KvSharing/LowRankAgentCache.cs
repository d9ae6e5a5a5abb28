using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// One LoRA agent continuing after a <see cref="LowRankContext"/>: over the context, keys/values are the shared base K/V
/// plus this agent's adapter part rebuilt from its rank-r U (<see cref="LowRankKvDelta"/>) as a per-step transient; the
/// agent's own new positions (computed with its full adapter) are held in full. Batch 1; the model's torch thread.
/// </summary>
public sealed class LowRankAgentCache : IKvCache, IDisposable
{
    private readonly MoeModelConfig _config;
    private readonly LowRankContext _context;
    private readonly int _agent;
    private readonly RotaryTable _rotary;
    private readonly Tensor?[] _tailKeys;
    private readonly Tensor?[] _tailValues;
    private int _tail;

    public LowRankAgentCache(MoeModelConfig config, LowRankContext context, int agent, RotaryTable rotary)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _rotary = rotary ?? throw new ArgumentNullException(nameof(rotary));
        ArgumentOutOfRangeException.ThrowIfNegative(agent);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(agent, context.Adapters.Count);
        _agent = agent;
        _tailKeys = new Tensor?[config.NumLayers];
        _tailValues = new Tensor?[config.NumLayers];
    }

    public LoraAdapter Adapter => _context.Adapters[_agent];

    public int Length => _context.Length + _tail;

    public bool HasPadding => false;

    /// <summary>Bytes of this agent's own positions (held in full).</summary>
    public long TailBytes => _tailKeys.Concat(_tailValues).OfType<Tensor>().Sum(part => part.numel() * part.element_size());

    /// <summary>Runs <paramref name="newTokens"/> with this agent's adapter and returns the float32 logits of the last one.</summary>
    public float[] Forward(MoeForCausalLm model, IReadOnlyList<int> newTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(newTokens);
        using var scope = NewDisposeScope();
        var input = tensor(newTokens.Select(id => (long)id).ToArray(), new long[] { 1, newTokens.Count }, device: model.Device);
        using var output = model.Forward(input, null, this, lastPositionOnly: true, adapter: Adapter);
        return output.Logits.to(ScalarType.Float32).cpu().reshape(-1).data<float>().ToArray();
    }

    public void EnsureRoom(long newTokens)
    {
    }

    public Tensor RecordTokenMask(Tensor isToken)
    {
        ArgumentNullException.ThrowIfNull(isToken);
        return ones(new long[] { 1, Length + isToken.shape[1] }, ScalarType.Bool, isToken.device);
    }

    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        var (contextKeys, contextValues) = _context.Base.Read(layer);
        if (_context.KeyLowRank(_agent, layer) is { } keyLowRank)
        {
            var positions = arange(0, _context.Length, 1, ScalarType.Int64, keys.device).unsqueeze(0);
            var (cos, sin) = _rotary.Gather(positions, ScalarType.Float32);
            contextKeys = contextKeys + LowRankKvDelta.Keys(_config, Adapter.Layer(layer)!.Key!, keyLowRank, cos.to(keys.dtype), sin.to(keys.dtype));
        }
        if (_context.ValueLowRank(_agent, layer) is { } valueLowRank)
        {
            contextValues = contextValues + LowRankKvDelta.Values(_config, Adapter.Layer(layer)!.Value!, valueLowRank);
        }
        _tailKeys[layer] = Grow(_tailKeys[layer], keys);
        _tailValues[layer] = Grow(_tailValues[layer], values);
        return (cat([contextKeys, _tailKeys[layer]!], 2), cat([contextValues, _tailValues[layer]!], 2));
    }

    public void Advance(long steps) => _tail += (int)steps;

    public void Dispose()
    {
        foreach (var part in _tailKeys.Concat(_tailValues).OfType<Tensor>())
        {
            part.Dispose();
        }
    }

    private static Tensor Grow(Tensor? held, Tensor added)
    {
        var grown = held is null ? added.clone() : cat([held, added], 2);
        held?.Dispose();
        return grown.DetachFromDisposeScope();
    }
}
