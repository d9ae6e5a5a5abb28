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

        Assert.Equal(0, perQuery);
    }

    [Fact]
    public void Delayed_feedback_allocates_nothing_per_query_either()
    {
        var perQuery = (BytesOfSecondRun("ema", 12_000, feedbackDelay: 5) - BytesOfSecondRun("ema", 2_000, feedbackDelay: 5)) / 10_000.0;

        Assert.Equal(0, perQuery);
    }

    private static long BytesOfSecondRun(string policy, int queries, int feedbackDelay = 0)
    {
        var workload = SimulatedWorkload.Create(seed: 1, queryCount: queries);
        workload.AttachFeatures(new HashedNGramFeaturizer());
        var engine = new ReplayEngine(workload, new ReplaySettings(Seed: 1, FeedbackDelay: feedbackDelay));
        engine.Run(policy); // warm-up: JIT, and each item's outcome objects, built once and shared by later runs
        var before = GC.GetAllocatedBytesForCurrentThread();
        var run = engine.Run(policy);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(queries, run.Queries);
        return allocated;
    }
}
