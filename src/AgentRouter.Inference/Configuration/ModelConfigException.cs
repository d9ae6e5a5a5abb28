namespace AgentRouter.Inference.Configuration;

/// <summary>A config.json that is malformed, unsupported or inconsistent; names the file and the field.</summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string filePath, string field, string problem)
        : base($"{filePath}: field '{field}': {problem}")
    {
        FilePath = filePath;
        Field = field;
        Problem = problem;
    }

    public string FilePath { get; }

    public string Field { get; }

    public string Problem { get; }
}
