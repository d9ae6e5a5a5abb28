using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>Per-arm pull counts and reward sums, indexed by agent slot.</summary>
internal sealed class ArmStatistics
{
    public double[] Pulls = [];
    public double[] RewardSum = [];

    /// <summary>Changes whenever the statistics are replaced wholesale (a snapshot restore). Between two changes an arm's
    /// state is identified by its pull count, since every observation adds exactly one pull: what a policy caches per
    /// arm stays valid while both match.</summary>
    public int Generation { get; private set; }

    /// <summary>Observations over all arms (the n of UCB1's ln n).</summary>
    public double TotalPulls { get; private set; }

    public void EnsureCapacity(int slots)
    {
        if (Pulls.Length >= slots)
        {
            return;
        }

        var size = Math.Max(slots, Math.Max(8, Pulls.Length * 2));
        Array.Resize(ref Pulls, size);
        Array.Resize(ref RewardSum, size);
    }

    public void Add(int slot, double reward)
    {
        EnsureCapacity(slot + 1);
        Pulls[slot]++;
        RewardSum[slot] += reward;
        TotalPulls++;
    }

    public double Mean(int slot) => Pulls[slot] > 0 ? RewardSum[slot] / Pulls[slot] : 0;

    public void WriteTo(JsonObject state, int agents)
    {
        EnsureCapacity(agents);
        state["pulls"] = PolicyState.Doubles(Pulls.AsSpan(0, agents));
        state["rewardSum"] = PolicyState.Doubles(RewardSum.AsSpan(0, agents));
    }

    public void ReadFrom(JsonObject state, int agents)
    {
        Generation++;
        Pulls = PolicyState.ReadDoubles(state, "pulls", agents);
        RewardSum = PolicyState.ReadDoubles(state, "rewardSum", agents);
        var total = 0.0;
        foreach (var pulls in Pulls)
        {
            total += pulls;
        }

        TotalPulls = total;
    }
}
