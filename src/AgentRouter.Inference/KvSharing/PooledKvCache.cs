using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// The KV cache of one sequence (batch 1) as a block table over a <see cref="KvBlockPool"/>: cached prefix blocks are
/// referenced, not copied; new positions are written into blocks this sequence allocates, and each block that fills up is
/// published under its chain hash so later sequences on the same weights reuse it. Attention reads a transient
/// concatenation of the table's blocks per layer; what is held is the pool. Use on the model's torch thread, under the
/// caller's <see cref="KvReservation"/> (which owns the references: dispose it, not this).
/// </summary>
public sealed class PooledKvCache : IKvCache
{
    private readonly MoeModelConfig _config;
    private readonly KvReservation _reservation;
    private readonly string _weightsId;
    private readonly int _tokensPerBlock;
    private readonly ScalarType _dtype;
    private readonly Device _device;
    private readonly long _blockBytes;
    private readonly List<KvBlock> _table = [];
    private readonly List<int> _tokens = [];
    private int _publishedBlocks;

    public PooledKvCache(MoeModelConfig config, KvReservation reservation, string weightsId, int tokensPerBlock, ScalarType dtype, Device device)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _reservation = reservation ?? throw new ArgumentNullException(nameof(reservation));
        _weightsId = weightsId ?? throw new ArgumentNullException(nameof(weightsId));
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerBlock, 1);
        _tokensPerBlock = tokensPerBlock;
        _dtype = dtype;
        _device = device;
        _blockBytes = TensorKvPayload.BlockBytes(config, tokensPerBlock, dtype);
    }

    public int Length { get; private set; }

    public bool HasPadding => false;

    /// <summary>Blocks in this sequence's table, shared or private.</summary>
    public IReadOnlyList<KvBlock> Blocks => _table;

    /// <summary>
    /// References the longest run of cached whole blocks that starts <paramref name="prompt"/>, leaving at least its last
    /// token to be computed (the caller needs that position's logits). Returns how many positions were reused.
    /// </summary>
    public int AttachCachedPrefix(IReadOnlyList<int> prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (Length != 0)
        {
            throw new InvalidOperationException("a cached prefix can only start an empty sequence");
        }
        var prompTokens = prompt as int[] ?? prompt.ToArray();
        var reusableBlocks = (prompTokens.Length - 1) / _tokensPerBlock;
        KvBlock? parent = null;
        for (var index = 0; index < reusableBlocks; index++)
        {
            var tokens = prompTokens.AsSpan(index * _tokensPerBlock, _tokensPerBlock);
            if (_reservation.TryAcquireCached(parent, tokens, _weightsId) is not { } block)
            {
                break;
            }
            _table.Add(block);
            _tokens.AddRange(tokens);
            parent = block;
        }
        _publishedBlocks = _table.Count;
        Length = _tokens.Count;
        return Length;
    }

    /// <summary>Runs <paramref name="newTokens"/> through the model (with <paramref name="adapter"/>, which must be the one the
    /// cache's weights id names) after the cached positions and returns the float32 logits of the last one.</summary>
    public float[] Forward(MoeForCausalLm model, IReadOnlyList<int> newTokens, LoraAdapter? adapter = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(newTokens);
        ArgumentOutOfRangeException.ThrowIfZero(newTokens.Count);
        using var scope = NewDisposeScope();
        var input = tensor(newTokens.Select(id => (long)id).ToArray(), new long[] { 1, newTokens.Count }, device: model.Device);
        _tokens.AddRange(newTokens);
        using var output = model.Forward(input, null, this, lastPositionOnly: true, adapter: adapter);
        PublishFullBlocks();
        return output.Logits.to(ScalarType.Float32).cpu().reshape(-1).data<float>().ToArray();
    }

    public void EnsureRoom(long newTokens)
    {
        while ((long)_table.Count * _tokensPerBlock < Length + newTokens)
        {
            _table.Add(_reservation.Allocate(_blockBytes, () => new TensorKvPayload(_config, _tokensPerBlock, _dtype, _device)));
        }
    }

    public Tensor RecordTokenMask(Tensor isToken)
    {
        ArgumentNullException.ThrowIfNull(isToken);
        if (isToken.shape[0] != 1)
        {
            throw new ArgumentException("a pooled KV cache holds one sequence (batch 1)", nameof(isToken));
        }
        return ones(new long[] { 1, Length + isToken.shape[1] }, ScalarType.Bool, isToken.device);
    }

    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        var steps = (int)keys.shape[2];
        var written = 0;
        while (written < steps)
        {
            var position = Length + written;
            var offset = position % _tokensPerBlock;
            var count = Math.Min(_tokensPerBlock - offset, steps - written);
            var block = Storage(_table[position / _tokensPerBlock]).select(0, layer);
            block.select(0, 0).narrow(1, offset, count).copy_(keys.select(0, 0).narrow(1, written, count));
            block.select(0, 1).narrow(1, offset, count).copy_(values.select(0, 0).narrow(1, written, count));
            written += count;
        }
        var total = Length + steps;
        var usedBlocks = (total + _tokensPerBlock - 1) / _tokensPerBlock;
        return (Gather(layer, 0, usedBlocks, total), Gather(layer, 1, usedBlocks, total));
    }

    public void Advance(long steps) => Length += (int)steps;

    /// <summary>Keys and values [1, kvHeads, Length, D] of one layer over every cached position (a transient copy).</summary>
    public (Tensor Keys, Tensor Values) Read(int layer)
    {
        var usedBlocks = (Length + _tokensPerBlock - 1) / _tokensPerBlock;
        return (Gather(layer, 0, usedBlocks, Length), Gather(layer, 1, usedBlocks, Length));
    }

    private Tensor Gather(int layer, int keyOrValue, int usedBlocks, int total)
    {
        var parts = new Tensor[usedBlocks];
        for (var index = 0; index < usedBlocks; index++)
        {
            parts[index] = Storage(_table[index]).select(0, layer).select(0, keyOrValue);
        }
        var joined = usedBlocks == 1 ? parts[0] : cat(parts, 1);
        return joined.narrow(1, 0, total).unsqueeze(0);
    }

    private void PublishFullBlocks()
    {
        while ((_publishedBlocks + 1) * _tokensPerBlock <= Length)
        {
            var parent = _publishedBlocks == 0 ? null : _table[_publishedBlocks - 1];
            var tokens = _tokens.GetRange(_publishedBlocks * _tokensPerBlock, _tokensPerBlock).ToArray();
            // An equal block published by another sequence (say, another agent's identical greedy continuation) replaces
            // this one, so the pool holds one copy; its K/V agree up to float rounding.
            _table[_publishedBlocks] = _reservation.PublishOrShare(_table[_publishedBlocks], parent, tokens, _weightsId);
            _publishedBlocks++;
        }
    }

    private static Tensor Storage(KvBlock block) => ((TensorKvPayload)block.Payload).Tensor;
}
