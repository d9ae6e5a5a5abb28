namespace AgentRouter.Inference.Training;

/// <summary>One optimisation step as the trainer saw it.</summary>
/// <param name="Loss">Cross-entropy of this step's batch (without the auxiliary loss).</param>
/// <param name="AuxLoss">Load-balancing loss (top-k when perfectly balanced).</param>
/// <param name="GradientNorm">Total gradient norm before clipping.</param>
/// <param name="TokensPerSecond">Real (non-padding) tokens per second since training started.</param>
public sealed record TrainingStepReport(
    int Step,
    int TotalSteps,
    double Loss,
    double AuxLoss,
    double LearningRate,
    double GradientNorm,
    double TokensPerSecond);

/// <summary>Receives the trainer's progress (the CLI draws a progress bar from it).</summary>
public interface ITrainingProgress
{
    void OnStep(TrainingStepReport report);

    void OnEvaluation(int step, EvaluationReport report);
}

/// <summary>What a finished training run produced.</summary>
public sealed record TrainingResult(
    string OutputDirectory,
    IReadOnlyList<double> Losses,
    EvaluationReport FinalEvaluation,
    TimeSpan Elapsed,
    double TokensPerSecond);
