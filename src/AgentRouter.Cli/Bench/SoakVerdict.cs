namespace AgentRouter.Cli.Bench;

/// <summary>Whether a soak run's retained heap stayed flat (issue 16 point 8): the mean heap after a full GC over the
/// last quarter of the samples against the mean over the second quarter. The first quarter is warm-up (tables and
/// the feedback ledger filling, the JIT, pools growing), so it is not the baseline.</summary>
/// <param name="SecondQuarterBytes">Mean heap after full GC over the second quarter of the samples.</param>
/// <param name="LastQuarterBytes">Mean heap after full GC over the last quarter.</param>
/// <param name="Growth">(last − second) / second; negative when the heap shrank.</param>
/// <param name="Passed">Growth at most the allowed growth, with enough samples to have quarters at all.</param>
/// <param name="Reason">The verdict in words, for the report's last line.</param>
internal sealed record SoakVerdict(double SecondQuarterBytes, double LastQuarterBytes, double Growth, bool Passed, string Reason)
{
    /// <summary>The issue's bound: more than 5 % growth fails the run.</summary>
    public const double DefaultMaxGrowth = 0.05;

    /// <summary>Fewer samples than this leave a quarter without a sample.</summary>
    public const int MinimumSamples = 4;

    public static SoakVerdict Evaluate(IReadOnlyList<long> heapAfterFullGcBytes, double maxGrowth = DefaultMaxGrowth)
    {
        ArgumentNullException.ThrowIfNull(heapAfterFullGcBytes);
        var count = heapAfterFullGcBytes.Count;
        if (count < MinimumSamples)
        {
            return new SoakVerdict(double.NaN, double.NaN, double.NaN, false,
                $"inconclusive: {count} samples, at least {MinimumSamples} are needed (run longer or sample more often)");
        }

        var quarter = count / 4;
        var second = heapAfterFullGcBytes.Skip(quarter).Take(quarter).Average();
        var last = heapAfterFullGcBytes.Skip(count - quarter).Average();
        var growth = (last - second) / second;
        var passed = growth <= maxGrowth;
        var reason = FormattableString.Invariant(
            $"heap after full GC {second / 1e6:0.00} MB (mean of samples {quarter + 1}–{2 * quarter}) → {last / 1e6:0.00} MB (mean of samples {count - quarter + 1}–{count}): {growth:+0.0%;-0.0%;0.0%} {(passed ? "≤" : ">")} {maxGrowth:0%} allowed → {(passed ? "PASS" : "FAIL")}");
        return new SoakVerdict(second, last, growth, passed, reason);
    }
}
