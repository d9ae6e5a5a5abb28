namespace AgentRouter.Core.Policies;

/// <summary>Exponential moving averages of quality, latency, cost and stability per agent slot.
/// Without a quality prior (weight 0) the first observation initialises an average and later ones blend in
/// with weight α. With a prior of weight w &gt; 0 the quality average starts at the prior value and the n-th
/// observation blends in with weight max(α, 1/(w + n)): the mean of the prior's w pseudo-observations and
/// the real ones until that mean weighs less than α (bias-corrected EMA), so one lucky or unlucky first
/// answer moves the estimate only part of the way.</summary>
internal sealed class EmaTable
{
    public double[] Quality = [];
    public double[] LatencyMs = [];
    public double[] Cost = [];
    public double[] Stability = [];
    public int[] Count = [];

    public void EnsureCapacity(int slots)
    {
        if (Count.Length >= slots)
        {
            return;
        }

        var size = Math.Max(slots, Math.Max(8, Count.Length * 2));
        Array.Resize(ref Quality, size);
        Array.Resize(ref LatencyMs, size);
        Array.Resize(ref Cost, size);
        Array.Resize(ref Stability, size);
        Array.Resize(ref Count, size);
    }

    public void Update(int slot, double alpha, double quality, double latencyMs, double cost, double stability,
        double qualityPrior = 0, double qualityPriorWeight = 0)
    {
        EnsureCapacity(slot + 1);
        var first = Count[slot] == 0;
        if (qualityPriorWeight > 0)
        {
            var previous = first ? qualityPrior : Quality[slot];
            Quality[slot] = Blend(Math.Max(alpha, 1 / (qualityPriorWeight + Count[slot] + 1)), quality, previous);
        }
        else
        {
            Quality[slot] = first ? quality : Blend(alpha, quality, Quality[slot]);
        }

        if (first)
        {
            LatencyMs[slot] = latencyMs;
            Cost[slot] = cost;
            Stability[slot] = stability;
        }
        else
        {
            LatencyMs[slot] = Blend(alpha, latencyMs, LatencyMs[slot]);
            Cost[slot] = Blend(alpha, cost, Cost[slot]);
            Stability[slot] = Blend(alpha, stability, Stability[slot]);
        }

        Count[slot]++;
    }

    public static double Blend(double alpha, double observation, double average) =>
        alpha * observation + (1 - alpha) * average;

    public bool HasObservations(int slot) => slot < Count.Length && Count[slot] > 0;
}
