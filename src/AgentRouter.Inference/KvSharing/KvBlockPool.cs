namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// Bookkeeping of a shared KV block pool: fixed-size blocks with reference counts, chain-hash lookup of published blocks
/// (hash candidates confirmed by comparing parent, tokens and weights id, so collisions never alias), least-recently-used
/// eviction of unreferenced blocks, and admission control against a byte budget. A request first reserves the bytes it may
/// need (<see cref="ReserveAsync"/>); a request larger than the whole budget fails at once with
/// <see cref="KvBudgetExceededException"/>, one that does not fit beside the admitted ones waits in FIFO order. Because every
/// referenced block is charged to an admitted reservation and admitted reservations never sum past the budget, an
/// allocation can always be satisfied by evicting cached blocks: the pool never exceeds its budget. Thread-safe; no torch.
/// </summary>
public sealed class KvBlockPool : IDisposable
{
    private readonly object _lock = new();
    private readonly IBlockHasher _hasher;
    private readonly Dictionary<ulong, List<KvBlock>> _published = [];
    private readonly LinkedList<KvBlock> _lru = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource<KvReservation> Completion)> _waiting = new();
    private long _nextId;
    private long _usedBytes;
    private long _reservedBytes;
    private int _blocksInUse;
    private long _lookups;
    private long _hits;
    private long _bytesSaved;
    private long _tokensSaved;
    private long _evictions;
    private long _collisions;
    private long _deduplicated;
    private bool _disposed;

    public KvBlockPool(KvBlockPoolOptions options, IBlockHasher? hasher = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validated();
        _hasher = hasher ?? Fnv1aBlockHasher.Instance;
    }

    public KvBlockPoolOptions Options { get; }

    public int TokensPerBlock => Options.TokensPerBlock;

    public long BudgetBytes => Options.BudgetBytes;

    /// <summary>Admits a request of <paramref name="bytes"/> now if it fits beside the admitted ones, else queues it (FIFO).</summary>
    /// <exception cref="KvBudgetExceededException">The request alone exceeds the budget.</exception>
    public Task<KvReservation> ReserveAsync(long bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes > BudgetBytes)
        {
            throw new KvBudgetExceededException(bytes, BudgetBytes);
        }
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_waiting.Count == 0 && _reservedBytes + bytes <= BudgetBytes)
            {
                _reservedBytes += bytes;
                return Task.FromResult(new KvReservation(this, bytes));
            }
            var completion = new TaskCompletionSource<KvReservation>(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _waiting.AddLast((bytes, completion));
            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.Register(() =>
                {
                    lock (_lock)
                    {
                        if (node.List is not null)
                        {
                            _waiting.Remove(node);
                            completion.TrySetCanceled(cancellationToken);
                            AdmitWaiting();
                        }
                    }
                });
            }
            return completion.Task;
        }
    }

    public KvPoolMetrics Metrics()
    {
        lock (_lock)
        {
            return new KvPoolMetrics(BudgetBytes, _usedBytes, BudgetBytes - _usedBytes, _reservedBytes, _blocksInUse, _lru.Count, _waiting.Count,
                _lookups, _hits, _bytesSaved, _tokensSaved, _evictions, _collisions, _deduplicated);
        }
    }

    internal KvBlock? TryAcquireCached(KvReservation reservation, KvBlock? parent, ReadOnlySpan<int> tokens, string weightsId)
    {
        var hash = _hasher.Hash(parent?.Hash ?? 0, tokens, weightsId);
        lock (_lock)
        {
            EnsureActive(reservation);
            _lookups++;
            if (!_published.TryGetValue(hash, out var candidates))
            {
                return null;
            }
            KvBlock? found = null;
            foreach (var candidate in candidates)
            {
                if (candidate.Matches(parent?.Id ?? -1, tokens, weightsId))
                {
                    found = candidate;
                    break;
                }
            }
            if (found is null)
            {
                _collisions++;
                return null;
            }
            Charge(reservation, found.Bytes);
            if (found.ReferenceCount == 0)
            {
                _lru.Remove(found.LruNode!);
                found.LruNode = null;
                _blocksInUse++;
            }
            found.ReferenceCount++;
            reservation.Blocks.Add(found);
            _hits++;
            _bytesSaved += found.Bytes;
            _tokensSaved += tokens.Length;
            return found;
        }
    }

    internal KvBlock Allocate(KvReservation reservation, long bytes, Func<IDisposable> payloadFactory)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        ArgumentNullException.ThrowIfNull(payloadFactory);
        lock (_lock)
        {
            EnsureActive(reservation);
            Charge(reservation, bytes);
            while (_usedBytes + bytes > BudgetBytes && _lru.First is { } oldest)
            {
                Evict(oldest.Value);
            }
            if (_usedBytes + bytes > BudgetBytes)
            {
                // Unreachable while every referenced block is charged to an admitted reservation; kept as a typed guard.
                throw new InvalidOperationException($"KV pool accounting broken: {_usedBytes} bytes referenced, {bytes} more asked, budget {BudgetBytes}");
            }
            var block = new KvBlock(_nextId++, bytes, payloadFactory()) { ReferenceCount = 1 };
            _usedBytes += bytes;
            _blocksInUse++;
            reservation.Blocks.Add(block);
            return block;
        }
    }

    internal bool Publish(KvReservation reservation, KvBlock block, KvBlock? parent, ReadOnlySpan<int> tokens, string weightsId)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(weightsId);
        var hash = _hasher.Hash(parent?.Hash ?? 0, tokens, weightsId);
        lock (_lock)
        {
            EnsureActive(reservation);
            if (block.IsPublished)
            {
                throw new InvalidOperationException($"KV block {block.Id} is already published");
            }
            if (!reservation.Blocks.Contains(block))
            {
                throw new InvalidOperationException($"KV block {block.Id} is not held by this reservation");
            }
            if (parent is not null && !parent.IsPublished)
            {
                throw new InvalidOperationException($"KV block {block.Id}'s parent {parent.Id} must be published first");
            }
            if (!_published.TryGetValue(hash, out var candidates))
            {
                candidates = [];
                _published[hash] = candidates;
            }
            var parentId = parent?.Id ?? -1;
            foreach (var candidate in candidates)
            {
                if (candidate.Matches(parentId, tokens, weightsId))
                {
                    return false;
                }
            }
            block.Hash = hash;
            block.ParentId = parentId;
            block.Tokens = tokens.ToArray();
            block.WeightsId = weightsId;
            block.IsPublished = true;
            candidates.Add(block);
            return true;
        }
    }

    /// <summary>Publishes <paramref name="block"/>, or, when an equal block is already published, swaps this reservation's
    /// reference over to that one and frees the duplicate (refunding its charge); returns the block now held.</summary>
    internal KvBlock PublishOrShare(KvReservation reservation, KvBlock block, KvBlock? parent, ReadOnlySpan<int> tokens, string weightsId)
    {
        var hash = _hasher.Hash(parent?.Hash ?? 0, tokens, weightsId);
        lock (_lock)
        {
            EnsureActive(reservation);
            if (_published.TryGetValue(hash, out var candidates))
            {
                foreach (var candidate in candidates)
                {
                    if (candidate.Matches(parent?.Id ?? -1, tokens, weightsId))
                    {
                        if (!reservation.Blocks.Remove(block) || block.IsPublished || block.ReferenceCount != 1)
                        {
                            throw new InvalidOperationException($"KV block {block.Id} is not a private block of this reservation");
                        }
                        block.ReferenceCount = 0;
                        _blocksInUse--;
                        Free(block);
                        reservation.RemainingBytes += block.Bytes;
                        Charge(reservation, candidate.Bytes);
                        if (candidate.ReferenceCount == 0)
                        {
                            _lru.Remove(candidate.LruNode!);
                            candidate.LruNode = null;
                            _blocksInUse++;
                        }
                        candidate.ReferenceCount++;
                        reservation.Blocks.Add(candidate);
                        _bytesSaved += candidate.Bytes;
                        _deduplicated++;
                        return candidate;
                    }
                }
            }
        }
        if (!Publish(reservation, block, parent, tokens, weightsId))
        {
            throw new InvalidOperationException($"KV block {block.Id} could neither be published nor shared");
        }
        return block;
    }

    internal void Release(KvReservation reservation)
    {
        lock (_lock)
        {
            foreach (var block in reservation.Blocks)
            {
                block.ReferenceCount--;
                if (block.ReferenceCount > 0)
                {
                    continue;
                }
                _blocksInUse--;
                if (block.IsPublished && !_disposed)
                {
                    block.LruNode = _lru.AddLast(block);
                }
                else
                {
                    Free(block);
                }
            }
            reservation.Blocks.Clear();
            _reservedBytes -= reservation.Bytes;
            AdmitWaiting();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            while (_lru.First is { } oldest)
            {
                Evict(oldest.Value);
            }
            foreach (var (_, completion) in _waiting)
            {
                completion.TrySetException(new ObjectDisposedException(nameof(KvBlockPool)));
            }
            _waiting.Clear();
        }
    }

    private void AdmitWaiting()
    {
        while (_waiting.First is { } head && _reservedBytes + head.Value.Bytes <= BudgetBytes)
        {
            _waiting.RemoveFirst();
            _reservedBytes += head.Value.Bytes;
            if (!head.Value.Completion.TrySetResult(new KvReservation(this, head.Value.Bytes)))
            {
                _reservedBytes -= head.Value.Bytes;
            }
        }
    }

    private static void Charge(KvReservation reservation, long bytes)
    {
        if (bytes > reservation.RemainingBytes)
        {
            throw new InvalidOperationException(
                $"the request reserved {reservation.Bytes} KV bytes and has {reservation.RemainingBytes} left, but {bytes} more were asked for");
        }
        reservation.RemainingBytes -= bytes;
    }

    private void EnsureActive(KvReservation reservation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (reservation.IsReleased)
        {
            throw new InvalidOperationException("the KV reservation was already released");
        }
    }

    private void Evict(KvBlock block)
    {
        _lru.Remove(block.LruNode!);
        block.LruNode = null;
        var candidates = _published[block.Hash];
        candidates.Remove(block);
        if (candidates.Count == 0)
        {
            _published.Remove(block.Hash);
        }
        block.IsPublished = false;
        _evictions++;
        Free(block);
    }

    private void Free(KvBlock block)
    {
        block.IsEvicted = true;
        _usedBytes -= block.Bytes;
        block.Payload.Dispose();
    }
}
