namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// One admitted request's share of a <see cref="KvBlockPool"/>: the byte budget it was promised and the blocks it
/// references. Every block a sequence holds is acquired or allocated through its reservation and charged to it, so the
/// pool never holds more than its budget; disposing releases the references (published blocks stay cached) and the
/// promise, which may admit queued requests.
/// </summary>
public sealed class KvReservation : IDisposable
{
    private readonly KvBlockPool _pool;
    private readonly List<KvBlock> _blocks = [];

    internal KvReservation(KvBlockPool pool, long bytes)
    {
        _pool = pool;
        Bytes = bytes;
        RemainingBytes = bytes;
    }

    public long Bytes { get; }

    public long RemainingBytes { get; internal set; }

    public bool IsReleased { get; private set; }

    internal List<KvBlock> Blocks => _blocks;

    /// <summary>The published block continuing <paramref name="parent"/> (null for the first block) with exactly these tokens on
    /// these weights, now referenced by this reservation; null on a miss.</summary>
    public KvBlock? TryAcquireCached(KvBlock? parent, ReadOnlySpan<int> tokens, string weightsId) =>
        _pool.TryAcquireCached(this, parent, tokens, weightsId);

    /// <summary>A new private block of <paramref name="bytes"/>, evicting cached blocks if the pool is full.</summary>
    public KvBlock Allocate(long bytes, Func<IDisposable> payloadFactory) => _pool.Allocate(this, bytes, payloadFactory);

    /// <summary>Makes a full private block findable by later sequences. False (block stays private) when an equal block is
    /// already published.</summary>
    public bool Publish(KvBlock block, KvBlock? parent, ReadOnlySpan<int> tokens, string weightsId) =>
        _pool.Publish(this, block, parent, tokens, weightsId);

    /// <summary>Publishes a full private block, or, if an equal one is already published, holds that one instead and frees this
    /// copy. Returns the block the sequence should keep in its table.</summary>
    public KvBlock PublishOrShare(KvBlock block, KvBlock? parent, ReadOnlySpan<int> tokens, string weightsId) =>
        _pool.PublishOrShare(this, block, parent, tokens, weightsId);

    public void Dispose()
    {
        if (IsReleased)
        {
            return;
        }
        IsReleased = true;
        _pool.Release(this);
    }
}
