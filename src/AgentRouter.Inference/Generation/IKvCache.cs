using static TorchSharp.torch;

namespace AgentRouter.Inference.Generation;

/// <summary>
/// What a forward pass needs from a KV cache: room for the next positions, the token mask over every cached position, and
/// per-layer append-then-read of keys/values. <see cref="KvCache"/> holds them in one preallocated tensor per layer;
/// <see cref="KvSharing.PooledKvCache"/> holds them in shared blocks of a <see cref="KvSharing.KvBlockPool"/>.
/// </summary>
public interface IKvCache
{
    /// <summary>Positions already written.</summary>
    int Length { get; }

    /// <summary>Whether any recorded position is padding, so decode steps still need a mask.</summary>
    bool HasPadding { get; }

    /// <summary>Makes room for <paramref name="newTokens"/> more positions or throws.</summary>
    void EnsureRoom(long newTokens);

    /// <summary>Records which of the next positions are real tokens ([B, T] bool) and returns the mask over all positions so far.</summary>
    Tensor RecordTokenMask(Tensor isToken);

    /// <summary>Writes this step's keys/values [B, kvHeads, T, D] of one layer and returns keys/values over every position so far.</summary>
    (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values);

    /// <summary>Called once after every layer has appended this step's positions.</summary>
    void Advance(long steps);

    /// <summary>Sees each layer's normalised attention input [B, T, H] before the projections (low-rank KV sharing keeps
    /// x·Aᵀ of LoRA agents from it); most caches ignore it.</summary>
    void ObserveAttentionInput(int layer, Tensor normalizedHidden)
    {
    }
}
