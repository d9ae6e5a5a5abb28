using AgentRouter.Inference.KvSharing;

namespace AgentRouter.Inference.Tests.KvSharing;

/// <summary>Bookkeeping of the shared KV pool, without torch: reference counts, LRU eviction under the byte budget,
/// admission (typed error or queueing), and chain-hash lookup with collisions resolved by comparing tokens.</summary>
public sealed class KvBlockPoolTests
{
    private const string Weights = "base";

    [Fact]
    public async Task SharedBlockIsCountedOnceAndCachedWhenTheLastReferenceGoes()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(TokensPerBlock: 2, BudgetBytes: 100));
        var first = await pool.ReserveAsync(40);
        var payload = new CountingPayload();
        var block = first.Allocate(10, () => payload);
        Assert.True(first.Publish(block, null, [1, 2], Weights));

        var second = await pool.ReserveAsync(40);
        Assert.Same(block, second.TryAcquireCached(null, [1, 2], Weights));
        Assert.Equal(2, block.ReferenceCount);
        Assert.Equal(10, pool.Metrics().UsedBytes);

        first.Dispose();
        Assert.Equal(1, block.ReferenceCount);
        second.Dispose();
        Assert.Equal(0, block.ReferenceCount);
        var metrics = pool.Metrics();
        Assert.Equal((0, 1, 10L), (metrics.BlocksInUse, metrics.BlocksCached, metrics.UsedBytes));
        Assert.Equal(0, payload.Disposals);

        using var third = await pool.ReserveAsync(40);
        Assert.Same(block, third.TryAcquireCached(null, [1, 2], Weights));
        Assert.Equal((2L, 2L, 20L, 4L), (pool.Metrics().BlockHits, pool.Metrics().BlockLookups, pool.Metrics().BytesSaved, pool.Metrics().PrefillTokensSaved));
    }

    [Fact]
    public async Task UnpublishedBlockIsFreedOnRelease()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 100));
        var payload = new CountingPayload();
        using (var reservation = await pool.ReserveAsync(10))
        {
            reservation.Allocate(10, () => payload);
        }
        Assert.Equal(1, payload.Disposals);
        Assert.Equal(0, pool.Metrics().UsedBytes);
    }

    [Fact]
    public async Task FullPoolEvictsLeastRecentlyUsedUnreferencedBlocksAndNeverExceedsBudget()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 30));
        var payloads = new Dictionary<int, CountingPayload>();
        for (var token = 0; token < 3; token++)
        {
            using var reservation = await pool.ReserveAsync(10);
            var payload = payloads[token] = new CountingPayload();
            reservation.Publish(reservation.Allocate(10, () => payload), null, [token, token], Weights);
        }
        // Touch block 0 so that block 1 becomes the least recently used.
        using (var touch = await pool.ReserveAsync(10))
        {
            Assert.NotNull(touch.TryAcquireCached(null, [0, 0], Weights));
        }

        using var big = await pool.ReserveAsync(20);
        big.Allocate(10, () => new CountingPayload());
        Assert.Equal(1, payloads[1].Disposals);
        big.Allocate(10, () => new CountingPayload());
        Assert.Equal(1, payloads[2].Disposals);
        Assert.Equal(0, payloads[0].Disposals);
        var metrics = pool.Metrics();
        Assert.Equal((30L, 2L, 1), (metrics.UsedBytes, metrics.Evictions, metrics.BlocksCached));
        Assert.True(metrics.UsedBytes <= metrics.BudgetBytes);
        Assert.Throws<InvalidOperationException>(() => big.Allocate(10, () => new CountingPayload()));
    }

    [Fact]
    public async Task RequestLargerThanBudgetGetsTypedErrorAndOneThatDoesNotFitYetWaits()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 100));
        var error = Assert.Throws<KvBudgetExceededException>(() => { _ = pool.ReserveAsync(101); });
        Assert.Equal((101L, 100L), (error.RequestedBytes, error.BudgetBytes));

        var first = await pool.ReserveAsync(70);
        var waiting = pool.ReserveAsync(50);
        var behind = pool.ReserveAsync(10);
        Assert.False(waiting.IsCompleted);
        Assert.False(behind.IsCompleted); // FIFO: a small request does not overtake a queued big one
        Assert.Equal(2, pool.Metrics().WaitingRequests);

        first.Dispose();
        using var admitted = await waiting;
        using var next = await behind;
        Assert.Equal(60, pool.Metrics().ReservedBytes);
    }

    [Fact]
    public async Task CancelledWaitLeavesTheQueue()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 10));
        using var holder = await pool.ReserveAsync(10);
        using var cancellation = new CancellationTokenSource();
        var waiting = pool.ReserveAsync(5, cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, pool.Metrics().WaitingRequests);
    }

    [Fact]
    public async Task ChainHashSeparatesParentsTokensAndWeights()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 1000));
        using var writer = await pool.ReserveAsync(100);
        var root = writer.Allocate(10, () => new CountingPayload());
        writer.Publish(root, null, [1, 2], Weights);
        var child = writer.Allocate(10, () => new CountingPayload());
        writer.Publish(child, root, [3, 4], Weights);

        using var reader = await pool.ReserveAsync(100);
        Assert.Null(reader.TryAcquireCached(null, [3, 4], Weights)); // same tokens, no parent
        Assert.Null(reader.TryAcquireCached(null, [1, 2], "base+adapter")); // same tokens, other weights
        Assert.Null(reader.TryAcquireCached(null, [1, 3], Weights));
        var foundRoot = reader.TryAcquireCached(null, [1, 2], Weights);
        Assert.Same(root, foundRoot);
        Assert.Same(child, reader.TryAcquireCached(foundRoot, [3, 4], Weights));
        Assert.NotEqual(Fnv1aBlockHasher.Instance.Hash(0, [1, 2], Weights), Fnv1aBlockHasher.Instance.Hash(0, [1, 2], "other"));
        Assert.NotEqual(Fnv1aBlockHasher.Instance.Hash(0, [1, 2], Weights), Fnv1aBlockHasher.Instance.Hash(1, [1, 2], Weights));
    }

    [Fact]
    public async Task HashCollisionsAreResolvedByComparingTokens()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 1000), new ConstantHasher());
        using var writer = await pool.ReserveAsync(100);
        var first = writer.Allocate(10, () => new CountingPayload());
        var second = writer.Allocate(10, () => new CountingPayload());
        Assert.True(writer.Publish(first, null, [1, 2], Weights));
        Assert.True(writer.Publish(second, null, [5, 6], Weights));
        var duplicate = writer.Allocate(10, () => new CountingPayload());
        Assert.False(writer.Publish(duplicate, null, [5, 6], Weights));

        using var reader = await pool.ReserveAsync(100);
        Assert.Same(second, reader.TryAcquireCached(null, [5, 6], Weights));
        Assert.Same(first, reader.TryAcquireCached(null, [1, 2], Weights));
        Assert.Null(reader.TryAcquireCached(null, [7, 8], Weights));
        Assert.Equal(1, pool.Metrics().HashCollisions);
    }

    [Fact]
    public async Task EqualBlockFilledByASecondSequenceIsSwappedForThePublishedOneAndFreed()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 100));
        using var first = await pool.ReserveAsync(20);
        var original = first.Allocate(10, () => new CountingPayload());
        Assert.Same(original, first.PublishOrShare(original, null, [4, 2], Weights));

        using var second = await pool.ReserveAsync(10);
        var copyPayload = new CountingPayload();
        var copy = second.Allocate(10, () => copyPayload);
        var kept = second.PublishOrShare(copy, null, [4, 2], Weights);

        Assert.Same(original, kept);
        Assert.Equal(1, copyPayload.Disposals);
        Assert.Equal(2, original.ReferenceCount);
        Assert.Equal(0, second.RemainingBytes);
        var metrics = pool.Metrics();
        Assert.Equal((10L, 1L, 1), (metrics.UsedBytes, metrics.BlocksDeduplicated, metrics.BlocksInUse));
    }

    [Fact]
    public async Task AllocationsBeyondTheReservationAreRejected()
    {
        using var pool = new KvBlockPool(new KvBlockPoolOptions(2, 100));
        using var reservation = await pool.ReserveAsync(15);
        reservation.Allocate(10, () => new CountingPayload());
        Assert.Throws<InvalidOperationException>(() => reservation.Allocate(10, () => new CountingPayload()));
        Assert.Equal(10, pool.Metrics().UsedBytes);
    }

    private sealed class CountingPayload : IDisposable
    {
        public int Disposals { get; private set; }

        public void Dispose() => Disposals++;
    }

    private sealed class ConstantHasher : IBlockHasher
    {
        public ulong Hash(ulong parentHash, ReadOnlySpan<int> tokens, string weightsId) => 42;
    }
}
