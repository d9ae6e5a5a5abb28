namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// One fixed-size block of K/V positions held by a <see cref="KvBlockPool"/>. A block is private to the sequence that
/// allocated it until it is full and published; a published block is found by its chain hash and may be referenced by any
/// number of sequences on the same weights. All state changes go through the pool's lock.
/// </summary>
public sealed class KvBlock
{
    internal KvBlock(long id, long bytes, IDisposable payload)
    {
        Id = id;
        Bytes = bytes;
        Payload = payload;
    }

    /// <summary>Unique within its pool; children compare it to confirm their parent.</summary>
    public long Id { get; }

    public long Bytes { get; }

    /// <summary>What holds the K/V (a tensor for the inference engine; anything disposable for bookkeeping tests).</summary>
    public IDisposable Payload { get; }

    public int ReferenceCount { get; internal set; }

    public bool IsPublished { get; internal set; }

    public bool IsEvicted { get; internal set; }

    public ulong Hash { get; internal set; }

    internal long ParentId { get; set; } = -1;

    internal int[] Tokens { get; set; } = [];

    internal string WeightsId { get; set; } = string.Empty;

    internal LinkedListNode<KvBlock>? LruNode { get; set; }

    internal bool Matches(long parentId, ReadOnlySpan<int> tokens, string weightsId) =>
        ParentId == parentId && string.Equals(WeightsId, weightsId, StringComparison.Ordinal) && tokens.SequenceEqual(Tokens);
}
