using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// A context prefilled once by the base model for a group of LoRA agents on that base: the base K/V live in pool blocks
/// (a <see cref="PooledKvCache"/>); per agent and layer only U = x·Aᵀ (rank r) of its key and value adapters is kept, taken
/// from the base run's attention inputs. That is LRAgent's approximation: an agent's own hidden states would differ from
/// the base's wherever its adapters changed earlier layers. Use on the model's torch thread, inside the reservation.
/// </summary>
public sealed class LowRankContext : IKvCache, IDisposable
{
    private readonly PooledKvCache _base;
    private readonly IReadOnlyList<LoraAdapter> _adapters;
    private readonly List<Tensor>?[][] _keyParts;
    private readonly List<Tensor>?[][] _valueParts;
    private Tensor?[][] _keyLowRank = [];
    private Tensor?[][] _valueLowRank = [];

    private LowRankContext(PooledKvCache baseCache, IReadOnlyList<LoraAdapter> adapters, int layers)
    {
        _base = baseCache;
        _adapters = adapters;
        _keyParts = adapters.Select(_ => new List<Tensor>?[layers]).ToArray();
        _valueParts = adapters.Select(_ => new List<Tensor>?[layers]).ToArray();
    }

    public PooledKvCache Base => _base;

    public IReadOnlyList<LoraAdapter> Adapters => _adapters;

    public int Length => _base.Length;

    public bool HasPadding => false;

    /// <summary>Runs the base model over <paramref name="context"/> once and keeps every adapter's U.</summary>
    public static LowRankContext Prefill(MoeForCausalLm model, KvReservation reservation, string baseWeightsId, int tokensPerBlock,
        IReadOnlyList<int> context, IReadOnlyList<LoraAdapter> adapters)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(adapters);
        LowRankKvDelta.EnsureSupported(model.Config);
        var baseCache = new PooledKvCache(model.Config, reservation, baseWeightsId, tokensPerBlock, model.DType, model.Device);
        var shared = new LowRankContext(baseCache, adapters, model.Config.NumLayers);
        using var scope = NewDisposeScope();
        var input = tensor(context.Select(id => (long)id).ToArray(), new long[] { 1, context.Count }, device: model.Device);
        using (model.Forward(input, null, shared, lastPositionOnly: true))
        {
        }
        shared.Seal();
        return shared;
    }

    /// <summary>U = x·A_kᵀ [1, n, r] of agent <paramref name="agent"/> at <paramref name="layer"/>, or null when it has no key adapter there.</summary>
    public Tensor? KeyLowRank(int agent, int layer) => _keyLowRank[agent][layer];

    public Tensor? ValueLowRank(int agent, int layer) => _valueLowRank[agent][layer];

    /// <summary>Bytes held for agent <paramref name="agent"/>'s adapter parts (the rank-r activations).</summary>
    public long AgentBytes(int agent) =>
        _keyLowRank[agent].Concat(_valueLowRank[agent]).OfType<Tensor>().Sum(part => part.numel() * part.element_size());

    void IKvCache.ObserveAttentionInput(int layer, Tensor normalizedHidden)
    {
        for (var agent = 0; agent < _adapters.Count; agent++)
        {
            if (_adapters[agent].Layer(layer) is not { } layerAdapter)
            {
                continue;
            }
            if (layerAdapter.Key is { } key)
            {
                (_keyParts[agent][layer] ??= []).Add(key.LowRank(normalizedHidden).DetachFromDisposeScope());
            }
            if (layerAdapter.Value is { } value)
            {
                (_valueParts[agent][layer] ??= []).Add(value.LowRank(normalizedHidden).DetachFromDisposeScope());
            }
        }
    }

    public void EnsureRoom(long newTokens) => _base.EnsureRoom(newTokens);

    public Tensor RecordTokenMask(Tensor isToken) => _base.RecordTokenMask(isToken);

    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values) => _base.Append(layer, keys, values);

    public void Advance(long steps) => _base.Advance(steps);

    public void Dispose()
    {
        foreach (var part in _keyLowRank.Concat(_valueLowRank).SelectMany(row => row).OfType<Tensor>())
        {
            part.Dispose();
        }
    }

    private void Seal()
    {
        _keyLowRank = _keyParts.Select(Join).ToArray();
        _valueLowRank = _valueParts.Select(Join).ToArray();

        static Tensor?[] Join(List<Tensor>?[] layers) => layers.Select(parts =>
        {
            if (parts is null)
            {
                return null;
            }
            var joined = parts.Count == 1 ? parts[0] : cat(parts, 1).DetachFromDisposeScope();
            if (parts.Count > 1)
            {
                parts.ForEach(part => part.Dispose());
            }
            return joined;
        }).ToArray();
    }
}
