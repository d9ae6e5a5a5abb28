namespace AgentRouter.Inference.Safetensors;

/// <summary>A safetensors file that is malformed or disagrees with what the model expects.</summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string filePath, string? tensorName, string problem)
        : base(tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}")
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    public string FilePath { get; }

    public string? TensorName { get; }

    public string Problem { get; }
}
