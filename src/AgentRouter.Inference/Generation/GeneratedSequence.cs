namespace AgentRouter.Inference.Generation;

public enum StopReason
{
    StopToken,
    MaxNewTokens,
    /// <summary><see cref="GenerationOptions.StopWhen"/> said so (e.g. a stop string appeared).</summary>
    StopCondition,
}

/// <summary>One prompt's continuation; <see cref="StepLogits"/> is filled only when asked for.</summary>
public sealed record GeneratedSequence(
    IReadOnlyList<int> PromptIds,
    IReadOnlyList<int> GeneratedIds,
    StopReason StopReason,
    IReadOnlyList<float[]> StepLogits);

/// <summary>A token as it is produced, for streaming.</summary>
public readonly record struct GeneratedToken(int SequenceIndex, int Step, int TokenId);
