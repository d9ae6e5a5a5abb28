using System.Diagnostics;

namespace AgentRouter.Core.Replay;

/// <summary>The raw tallies of one policy's pass over a workload.</summary>
public sealed class PolicyRun
{
    internal PolicyRun(string policy, bool isBaseline, double? costWeight, int agentCount)
    {
        Policy = policy;
        IsBaseline = isBaseline;
        CostWeight = costWeight;
        Traffic = new int[agentCount];
    }

    public string Policy { get; }

    public bool IsBaseline { get; }

    public double? CostWeight { get; }

    public int Queries { get; internal set; }

    /// <summary>Sum over queries of the panel's answer quality (merged correctness).</summary>
    public double QualitySum { get; internal set; }

    /// <summary>Sum over queries of the panel's cost (every member's call is paid).</summary>
    public double TotalCost { get; internal set; }

    /// <summary>Σ over queries of (oracle quality − this policy's quality).</summary>
    public double CumulativeRegret { get; internal set; }

    /// <summary>Cumulative regret after each tenth of the queries (10 points, the last one is the total).</summary>
    public List<double> RegretCurve { get; } = [];

    /// <summary>Panel memberships per workload agent.</summary>
    public int[] Traffic { get; }

    public int PanelSlots { get; internal set; }

    /// <summary>Queries whose panel abstained (no member gave a parseable choice).</summary>
    public int Abstained { get; internal set; }

    /// <summary>Multiple-choice queries with an unknown gold letter, scored by the fallback rule.</summary>
    public int GoldFallbacks { get; internal set; }

    /// <summary>Stopwatch ticks spent inside Select, summed.</summary>
    public long DecisionTicks { get; internal set; }

    public double Accuracy => Queries == 0 ? 0 : QualitySum / Queries;

    public double MeanCost => Queries == 0 ? 0 : TotalCost / Queries;

    public double MeanDecisionMicroseconds => Queries == 0 ? 0 : DecisionTicks * 1_000_000.0 / Stopwatch.Frequency / Queries;
}
