namespace AgentRouter.Cli.MainJob;

/// <summary>One query of the main job as it was answered: which agents the router picked, whether each was right,
/// and whether the merged answer was right.</summary>
internal sealed record MainJobRecord(
    int Step,
    string Domain,
    bool MergedCorrect,
    IReadOnlyList<AgentAnswerRecord> Agents);

internal sealed record AgentAnswerRecord(string Agent, bool Correct, double Cost, double LatencyMs);
