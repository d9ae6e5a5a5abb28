namespace AgentRouter.Inference.Checkpoints;

/// <summary>A checkpoint whose tensors disagree with its config.json (missing, unexpected or mis-shaped tensors).</summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string path, string? tensorName, string problem)
        : base(tensorName is null ? $"{path}: {problem}" : $"{path}: tensor '{tensorName}': {problem}")
    {
        FilePath = path;
        TensorName = tensorName;
        Problem = problem;
    }

    public string FilePath { get; }

    public string? TensorName { get; }

    public string Problem { get; }
}
