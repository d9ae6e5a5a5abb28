using AgentRouter.Core.Json;

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

/// <summary>Training configs read through the shared <see cref="StrictJsonObject"/>, failing at the first problem.</summary>
internal static class TrainingConfigJson
{
    public static readonly JsonProblems Problems = JsonProblems.Throwing((file, field, problem) => new TrainingConfigException(file, field, problem));

    /// <summary>A problem found beyond the reader's own checks, as the exception to throw.</summary>
    public static TrainingConfigException Invalid(this StrictJsonObject section, string name, string problem) =>
        new(section.File, section.Qualify(name), problem);
}
