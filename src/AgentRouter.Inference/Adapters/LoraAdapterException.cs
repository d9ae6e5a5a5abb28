namespace AgentRouter.Inference.Adapters;

/// <summary>A LoRA adapter folder that cannot be used with the given base model: a missing file, a bad
/// <c>adapter_config.json</c> field, a tensor of the wrong shape, or a base model that is not the one it was trained on.</summary>
public sealed class LoraAdapterException : Exception
{
    public LoraAdapterException(string filePath, string field, string problem)
        : base($"{filePath}: {field}: {problem}")
    {
        FilePath = filePath;
        Field = field;
        Problem = problem;
    }

    public string FilePath { get; }

    /// <summary>The config field (e.g. <c>r</c>, <c>target_modules</c>) or tensor name at fault.</summary>
    public string Field { get; }

    public string Problem { get; }
}
