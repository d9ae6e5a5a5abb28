namespace AgentRouter.Cli.MainJob;

/// <summary>One query of the main job as it was answered: which agents the router picked, whether each was right,
/// and whether the merged answer was right.</summary>
internal sealed record MainJobRecord(
    int Step,
    string Domain,
    bool MergedCorrect,
    IReadOnlyList<AgentAnswerRecord> Agents);

/// <param name="LatencyMs">The latency the policy learned from: modelled (the manifest's expectedLatencyMs), or measured
/// with <c>--measured-latency</c>.</param>
/// <param name="MeasuredLatencyMs">The wall-clock latency of the call, always measured (it varies with machine load).</param>
internal sealed record AgentAnswerRecord(string Agent, bool Correct, double Cost, double LatencyMs, double MeasuredLatencyMs);
