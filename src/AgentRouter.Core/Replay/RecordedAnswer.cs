namespace AgentRouter.Core.Replay;

/// <summary>What one agent recorded for one query.</summary>
/// <param name="Quality">Correctness (0/1) or score in [0, 1].</param>
/// <param name="Response">The raw answer, when the data has one.</param>
/// <param name="Choice">The option letter extracted from <paramref name="Response"/> (multiple-choice only).</param>
public readonly record struct RecordedAnswer(double Quality, double Cost, double LatencyMs, string? Response, string? Choice);
