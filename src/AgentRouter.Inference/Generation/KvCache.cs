using AgentRouter.Inference.Configuration;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Generation;

/// <summary>
/// Keys and values of every layer for a batch, preallocated to <see cref="Capacity"/> positions and
/// written by slice, plus which cached positions are real tokens (false for left padding).
/// </summary>
public sealed class KvCache : IKvCache, IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;
    private readonly Tensor _keyIsToken;

    public KvCache(MoeModelConfig config, int batchSize, int capacity, ScalarType dtype, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        BatchSize = batchSize;
        Capacity = capacity;
        _keys = new Tensor[config.NumLayers];
        _values = new Tensor[config.NumLayers];
        for (var layer = 0; layer < config.NumLayers; layer++)
        {
            _keys[layer] = zeros(new long[] { batchSize, config.NumKeyValueHeads, capacity, config.HeadDim }, dtype, device).DetachFromDisposeScope();
            _values[layer] = zeros(new long[] { batchSize, config.NumKeyValueHeads, capacity, config.HeadDim }, dtype, device).DetachFromDisposeScope();
        }
        _keyIsToken = zeros(new long[] { batchSize, capacity }, ScalarType.Bool, device).DetachFromDisposeScope();
    }

    public int BatchSize { get; }

    public int Capacity { get; }

    /// <summary>Positions already written (the same for every sequence: shorter prompts are left-padded).</summary>
    public int Length { get; private set; }

    /// <summary>Whether any recorded position is padding, so decode steps still need a mask.</summary>
    public bool HasPadding { get; private set; }

    /// <summary>Checks that <paramref name="newTokens"/> more positions fit.</summary>
    public void EnsureRoom(long newTokens)
    {
        if (Length + newTokens > Capacity)
        {
            throw new InvalidOperationException($"KV cache holds {Capacity} positions; {Length} are used and {newTokens} more were asked for");
        }
    }

    /// <summary>Records which of the next positions are real tokens and returns the mask over all positions so far.</summary>
    public Tensor RecordTokenMask(Tensor isToken)
    {
        _keyIsToken.narrow(1, Length, isToken.shape[1]).copy_(isToken);
        HasPadding = HasPadding || !isToken.all().item<bool>();
        return _keyIsToken.narrow(1, 0, Length + isToken.shape[1]);
    }

    /// <summary>Writes this step's keys/values [B, kvHeads, T, D] and returns views over every position so far.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var steps = keys.shape[2];
        _keys[layer].narrow(2, Length, steps).copy_(keys);
        _values[layer].narrow(2, Length, steps).copy_(values);
        return (_keys[layer].narrow(2, 0, Length + steps), _values[layer].narrow(2, 0, Length + steps));
    }

    public void Advance(long steps) => Length += (int)steps;

    /// <summary>Layer <paramref name="layer"/>'s key store [B, kvHeads, capacity, D] (the managed decode step writes and
    /// reads it in place).</summary>
    internal Tensor LayerKeys(int layer) => _keys[layer];

    internal Tensor LayerValues(int layer) => _values[layer];

    /// <summary>Records the next position of a one-sequence cache as a real token: <see cref="RecordTokenMask"/> for a
    /// [1, 1] all-true mask, written in place without libtorch ops.</summary>
    internal void RecordOneRealToken()
    {
        if (BatchSize != 1 || Length >= Capacity)
        {
            throw new InvalidOperationException($"a one-token record needs a one-sequence cache with room; batch {BatchSize}, {Length} of {Capacity} used");
        }
        _keyIsToken.bytes[Length] = 1;
    }

    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values))
        {
            tensor.Dispose();
        }
        _keyIsToken.Dispose();
    }
}
