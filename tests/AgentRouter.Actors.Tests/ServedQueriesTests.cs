using AgentRouter.Actors.Feedback;

namespace AgentRouter.Actors.Tests;

/// <summary>The client's memory of which router served each query: bounded, oldest forgotten first, no allocation per
/// query, safe from many threads.</summary>
public sealed class ServedQueriesTests
{
    [Fact]
    public void Remembers_each_queries_router_and_forgets_the_oldest_past_its_capacity()
    {
        var served = new ServedQueries(3);
        served.Add("a", "r1");
        served.Add("b", "r2");
        served.Add("c", "r1");
        served.Add("a", "r3"); // re-routed: takes the new router, keeps its place in the order
        served.Add("d", "r2");

        Assert.False(served.TryGet("a", out _));
        Assert.True(served.TryGet("b", out var b));
        Assert.Equal("r2", b);
        Assert.True(served.TryGet("d", out var d));
        Assert.Equal("r2", d);
        Assert.False(served.TryGet("never", out _));
        Assert.Equal(3, served.Count);
    }

    /// <summary>Random adds and lookups against the plain dictionary-and-queue this replaced, over ids of every shape
    /// the slab stores differently (short, long, not ASCII).</summary>
    [Fact]
    public void Agrees_with_a_dictionary_and_queue_model()
    {
        const int capacity = 64;
        var served = new ServedQueries(capacity);
        var model = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new Queue<string>();
        var random = new Random(17);
        string[] routers = ["router", "ema", "thompson", "linucb"];

        for (var step = 0; step < 20_000; step++)
        {
            var id = Id(random.Next(200));
            if (random.Next(3) > 0)
            {
                var router = routers[random.Next(routers.Length)];
                served.Add(id, router);
                if (!model.TryAdd(id, router))
                {
                    model[id] = router;
                }
                else
                {
                    order.Enqueue(id);
                    if (order.Count > capacity)
                    {
                        model.Remove(order.Dequeue());
                    }
                }
            }
            else
            {
                var found = served.TryGet(id, out var router);
                Assert.Equal(model.TryGetValue(id, out var expected), found);
                Assert.Equal(expected, found ? router : null);
            }
        }
    }

    [Fact]
    public void Allocates_nothing_per_query_once_full()
    {
        const int capacity = 1_000;
        var served = new ServedQueries(capacity);
        var ids = Enumerable.Range(0, 4 * capacity).Select(Id).ToArray();
        foreach (var id in ids)
        {
            served.Add(id, "router"); // fills the ring and evicts
            served.Add(id, "other"); // both router names have their codes before measuring
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 3; round++)
        {
            foreach (var id in ids)
            {
                served.Add(id, round % 2 == 0 ? "router" : "other");
                served.TryGet(id, out _);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Many_threads_adding_at_once_leave_every_recent_id_found()
    {
        const int threads = 4;
        const int perThread = 5_000;
        var served = new ServedQueries(threads * perThread);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
        {
            for (var i = 0; i < perThread; i++)
            {
                served.Add($"t{thread}-q{i}", $"router-{thread}");
            }
        });

        Assert.Equal(threads * perThread, served.Count);
        for (var thread = 0; thread < threads; thread++)
        {
            for (var i = 0; i < perThread; i++)
            {
                Assert.True(served.TryGet($"t{thread}-q{i}", out var router));
                Assert.Equal($"router-{thread}", router);
            }
        }
    }

    [Fact]
    public void A_capacity_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServedQueries(0));

    private static string Id(int i) => (i % 4) switch
    {
        0 => $"chatcmpl-{i:x24}",
        1 => $"{new string('z', QueryIdSlab.InlineLength)}-{i}", // longer than the inline length
        2 => $"réponse-{i}", // not ASCII
        _ => $"q{i}",
    };
}
