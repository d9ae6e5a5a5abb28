using AgentRouter.Actors.Feedback;

namespace AgentRouter.Actors.Tests;

/// <summary>The ring ledger against a straightforward model of its contract (dictionaries and queues, the
/// shape of the ledger it replaced): same answer to every lookup under random adds, feedback, re-used ids,
/// long and non-ASCII ids, sweeps and capacity pressure.</summary>
public sealed class FeedbackLedgerModelTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(16, 3)]
    [InlineData(64, 4)]
    [InlineData(500, 5)]
    public void Every_lookup_matches_the_reference_model(int capacity, int seed)
    {
        var random = new Random(seed);
        var ledger = new FeedbackLedger<int>(capacity, TimeSpan.FromSeconds(50), ticksPerSecond: 1);
        var model = new ReferenceLedger(capacity, ttlTicks: 50);
        var universe = Enumerable.Range(0, capacity * 4 + 8).Select(Id).ToArray();
        long now = 0;
        for (var step = 0; step < 20_000; step++)
        {
            now += random.Next(3) == 0 ? 1 : 0;
            var id = universe[random.Next(universe.Length)];
            switch (random.Next(10))
            {
                case < 4:
                    if (!model.IsPending(id))
                    {
                        ledger.Add(id, step, now);
                        model.Add(id, step, now);
                    }

                    break;
                case < 6:
                    ledger.Consume(id);
                    model.Consume(id);
                    break;
                case 6:
                    ledger.Sweep(now);
                    model.Sweep(now);
                    break;
                default:
                    var expected = model.Lookup(id, now, out var expectedEntry);
                    Assert.Equal(expected, ledger.Lookup(id, now, out var entry));
                    if (expected == LedgerLookup.Found)
                    {
                        Assert.Equal(expectedEntry, entry);
                    }

                    break;
            }

            Assert.Equal(model.Count, ledger.Count);
            Assert.Equal(model.IsPending(id), ledger.IsPending(id));
        }

        Assert.Equal(model.Evicted, ledger.Evicted);
        foreach (var id in universe)
        {
            Assert.Equal(model.Lookup(id, now, out _), ledger.Lookup(id, now, out _));
        }
    }

    [Fact]
    public void Long_and_non_ascii_ids_are_kept_by_reference_and_still_found()
    {
        var ledger = new FeedbackLedger<int>(4, TimeSpan.FromSeconds(50), ticksPerSecond: 1);
        var longId = new string('x', QueryIdSlab.InlineLength + 1);
        var inlineId = new string('x', QueryIdSlab.InlineLength);
        ledger.Add(longId, 1, 0);
        ledger.Add(inlineId, 2, 0);
        ledger.Add("réponse-1", 3, 0);
        Assert.Equal(LedgerLookup.Found, ledger.Lookup(longId, 0, out var entry));
        Assert.Equal(1, entry);
        Assert.Equal(LedgerLookup.Found, ledger.Lookup(new string('x', QueryIdSlab.InlineLength), 0, out entry));
        Assert.Equal(2, entry);
        Assert.Equal(LedgerLookup.Found, ledger.Lookup("réponse-1", 0, out entry));
        Assert.Equal(3, entry);
        Assert.Equal(LedgerLookup.Unknown, ledger.Lookup("reponse-1", 0, out _));
        ledger.Consume(longId);
        ledger.Consume("réponse-1");
        Assert.Equal(LedgerLookup.Duplicate, ledger.Lookup(longId, 0, out _));
        Assert.Equal(LedgerLookup.Duplicate, ledger.Lookup("réponse-1", 0, out _));
        Assert.Equal(LedgerLookup.Found, ledger.Lookup(inlineId, 0, out _));
    }

    [Fact]
    public void A_full_ledger_allocates_nothing_per_answered_query()
    {
        const int capacity = 1000;
        var ledger = new FeedbackLedger<(long, double)>(capacity, TimeSpan.FromSeconds(50), ticksPerSecond: 1);
        var ids = Enumerable.Range(0, 3 * capacity).Select(Id).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            ledger.Add(ids[i], (i, i), 0); // fills the ring and the remembered ids
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < ids.Length; i++)
            {
                ledger.Add(ids[i], (i, i), 0);
                if (i % 3 == 0)
                {
                    ledger.Consume(ids[i]);
                }

                ledger.Lookup(ids[(i + 7) % ids.Length], 0, out _);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(ledger.Evicted > 0);
    }

    private static string Id(int i) => (i % 5) switch
    {
        0 => $"q{i}",
        1 => $"chatcmpl-{i:x32}",
        2 => $"{new string('z', QueryIdSlab.InlineLength)}-{i}", // longer than the inline length
        3 => $"réponse-{i}", // not ASCII
        _ => $"{i}",
    };

    /// <summary>The contract in its plainest form (the dictionary-and-queue ledger the ring replaced).</summary>
    private sealed class ReferenceLedger(int capacity, long ttlTicks)
    {
        private readonly Dictionary<string, (int Entry, long ExpiresAt, long Sequence)> _pending = [];
        private readonly Queue<(string Id, long Sequence)> _order = new();
        private readonly Dictionary<string, (bool Consumed, long Sequence)> _tombstones = [];
        private readonly Queue<(string Id, long Sequence)> _tombstoneOrder = new();
        private long _sequence;

        public int Count => _pending.Count;

        public long Evicted { get; private set; }

        public bool IsPending(string id) => _pending.ContainsKey(id);

        public void Add(string id, int entry, long now)
        {
            Sweep(now);
            while (_order.Count >= capacity)
            {
                var (oldId, sequence) = _order.Dequeue();
                if (_pending.TryGetValue(oldId, out var old) && old.Sequence == sequence)
                {
                    _pending.Remove(oldId);
                    Evicted++;
                    Bury(oldId, consumed: false);
                }
            }

            var seq = ++_sequence;
            _pending[id] = (entry, now + ttlTicks, seq);
            _order.Enqueue((id, seq));
            _tombstones.Remove(id);
        }

        public LedgerLookup Lookup(string id, long now, out int entry)
        {
            entry = 0;
            if (_pending.TryGetValue(id, out var pending))
            {
                if (pending.ExpiresAt > now)
                {
                    entry = pending.Entry;
                    return LedgerLookup.Found;
                }

                _pending.Remove(id);
                Bury(id, consumed: false);
                return LedgerLookup.Expired;
            }

            return _tombstones.TryGetValue(id, out var tombstone)
                ? tombstone.Consumed ? LedgerLookup.Duplicate : LedgerLookup.Expired
                : LedgerLookup.Unknown;
        }

        public void Consume(string id)
        {
            if (_pending.Remove(id))
            {
                Bury(id, consumed: true);
            }
        }

        public void Sweep(long now)
        {
            while (_order.Count > 0)
            {
                var (id, sequence) = _order.Peek();
                if (_pending.TryGetValue(id, out var pending) && pending.Sequence == sequence)
                {
                    if (pending.ExpiresAt > now)
                    {
                        return;
                    }

                    _pending.Remove(id);
                    Bury(id, consumed: false);
                }

                _order.Dequeue();
            }
        }

        private void Bury(string id, bool consumed)
        {
            while (_tombstoneOrder.Count >= capacity)
            {
                var (oldId, sequence) = _tombstoneOrder.Dequeue();
                if (_tombstones.TryGetValue(oldId, out var old) && old.Sequence == sequence)
                {
                    _tombstones.Remove(oldId);
                }
            }

            var seq = ++_sequence;
            _tombstones[id] = (consumed, seq);
            _tombstoneOrder.Enqueue((id, seq));
        }
    }
}
