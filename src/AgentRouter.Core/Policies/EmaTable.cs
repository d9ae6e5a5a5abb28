namespace AgentRouter.Core.Policies;

/// <summary>Exponential moving averages of quality, latency, cost and stability per agent slot.
/// The first observation initialises an average; later ones blend in with weight α.</summary>
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

    public void Update(int slot, double alpha, double quality, double latencyMs, double cost, double stability)
    {
        EnsureCapacity(slot + 1);
        if (Count[slot] == 0)
        {
            Quality[slot] = quality;
            LatencyMs[slot] = latencyMs;
            Cost[slot] = cost;
            Stability[slot] = stability;
        }
        else
        {
            Quality[slot] = Blend(alpha, quality, Quality[slot]);
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
