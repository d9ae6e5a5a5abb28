using AgentRouter.Core.Featurization;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

/// <summary>Issue 17's replay goal: after a warm-up pass (which builds each item's outcome objects once), replaying a
/// context-free policy at panel 1 allocates nothing per query. A run's own bookkeeping (its result, the policy it
/// builds, the feedback queue) is the same for any number of queries, so the bytes a longer run allocates beyond a
/// shorter one's are what the queries themselves allocate.</summary>
public sealed class AllocationFreeReplayTests
{
    public static TheoryData<string> ContextFreePolicies =>
        ["ema", "ema-lex", "pheromone", "ucb1", "thompson", "epsilon", "round-robin", "random", "fixed", "least-loaded"];

    [Theory]
    [MemberData(nameof(ContextFreePolicies))]
    public void Replaying_allocates_nothing_per_query_after_warm_up(string policy)
    {
        var perQuery = (BytesOfSecondRun(policy, 12_000) - BytesOfSecondRun(policy, 2_000)) / 10_000.0;

        AssertNoAllocationPerQuery(perQuery);
    }

    [Fact]
    public void Delayed_feedback_allocates_nothing_per_query_either()
    {
        var perQuery = (BytesOfSecondRun("ema", 12_000, feedbackDelay: 5) - BytesOfSecondRun("ema", 2_000, feedbackDelay: 5)) / 10_000.0;

        AssertNoAllocationPerQuery(perQuery);
    }

    /// <summary>The smallest object is 24 bytes, so one allocation per query shows as ≥ 24 B/query. Below one byte is
    /// the allocation counter's own noise: when a collection (set off by tests running beside this one) retires this
    /// thread's allocation context, the count can move by a few hundred bytes either way.</summary>
    private static void AssertNoAllocationPerQuery(double bytesPerQuery) =>
        Assert.True(Math.Abs(bytesPerQuery) < 1, $"{bytesPerQuery:0.###} bytes allocated per replayed query");

    private static long BytesOfSecondRun(string policy, int queries, int feedbackDelay = 0)
    {
        var workload = SimulatedWorkload.Create(seed: 1, queryCount: queries);
        workload.AttachFeatures(new HashedNGramFeaturizer());
        var engine = new ReplayEngine(workload, new ReplaySettings(Seed: 1, FeedbackDelay: feedbackDelay));
        engine.Run(policy); // warm-up: JIT, and each item's outcome objects, built once and shared by later runs
        // The least of three runs: while the rest of the suite runs beside it, the runtime's own one-off work
        // (tier-1 re-JIT, on-stack replacement, type loading) can land inside one run and allocate a few hundred
        // bytes on this thread; a per-query allocation shows in every run.
        var least = long.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var run = engine.Run(policy);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(queries, run.Queries);
        }

        return least;
    }
}
