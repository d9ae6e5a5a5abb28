using AgentRouter.Cli.Bench;

namespace AgentRouter.Cli.Tests;

/// <summary><c>bench soak</c>'s pass/fail rule (issue 16 point 8): the mean heap after full GC over the last quarter
/// of the samples may exceed the second quarter's by at most 5 %; the first quarter (warm-up) is not the baseline.</summary>
public sealed class SoakVerdictTests
{
    [Fact]
    public void A_flat_heap_passes()
    {
        var verdict = SoakVerdict.Evaluate([100, 100, 100, 100, 100, 100, 100, 100]);
        Assert.True(verdict.Passed);
        Assert.Equal(0, verdict.Growth);
    }

    [Fact]
    public void Warm_up_growth_in_the_first_quarter_does_not_count()
    {
        // The ledger fills during the first quarter, then the heap is flat.
        var verdict = SoakVerdict.Evaluate([10, 50, 100, 100, 101, 100, 101, 100]);
        Assert.True(verdict.Passed, verdict.Reason);
    }

    [Fact]
    public void Growth_of_exactly_the_bound_passes_and_just_over_it_fails()
    {
        Assert.True(SoakVerdict.Evaluate([0, 1000, 0, 1050]).Passed);
        var over = SoakVerdict.Evaluate([0, 1000, 0, 1051]);
        Assert.False(over.Passed);
        Assert.Equal(0.051, over.Growth, 9);
        Assert.Contains("FAIL", over.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Quarters_are_means_of_the_second_and_last_quarter_of_the_samples()
    {
        // 12 samples: quarter = 3; second quarter = samples 4-6, last = samples 10-12.
        long[] samples = [1, 1, 1, 100, 110, 120, 5, 5, 5, 120, 125, 130];
        var verdict = SoakVerdict.Evaluate(samples);
        Assert.Equal(110, verdict.SecondQuarterBytes);
        Assert.Equal(125, verdict.LastQuarterBytes);
        Assert.False(verdict.Passed);
        Assert.Contains("samples 4–6", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("samples 10–12", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shrinking_heap_passes_and_a_custom_bound_applies()
    {
        Assert.True(SoakVerdict.Evaluate([0, 200, 0, 100]).Passed);
        Assert.False(SoakVerdict.Evaluate([0, 100, 0, 102], maxGrowth: 0.01).Passed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Too_few_samples_are_inconclusive_and_fail(int count)
    {
        var verdict = SoakVerdict.Evaluate([.. Enumerable.Repeat(100L, count)]);
        Assert.False(verdict.Passed);
        Assert.StartsWith("inconclusive", verdict.Reason, StringComparison.Ordinal);
    }
}
