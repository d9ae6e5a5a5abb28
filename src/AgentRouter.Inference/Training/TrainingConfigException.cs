namespace AgentRouter.Inference.Training;

/// <summary>A training config that cannot be used, found before any work starts.</summary>
/// <param name="Field">Dotted path of the offending field (e.g. "optimizer.learning_rate"), or "(document)".</param>
public sealed class TrainingConfigException(string file, string field, string problem)
    : Exception($"{file}: field '{field}': {problem}")
{
    public string File { get; } = file;

    public string Field { get; } = field;

    public string Problem { get; } = problem;
}
