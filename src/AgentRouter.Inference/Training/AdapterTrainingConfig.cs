using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;

namespace AgentRouter.Inference.Training;

/// <summary>The <c>adapter</c> section of a training config: train a LoRA adapter over a frozen base checkpoint
/// instead of a whole model.</summary>
/// <param name="BaseDirectory">Absolute path of the base checkpoint folder.</param>
/// <param name="BaseConfig">The base's config.json, which is the model being trained through.</param>
/// <param name="LayersToTransform">Null adapts every layer.</param>
public sealed record AdapterTrainingConfig(
    string BaseDirectory,
    MoeModelConfig BaseConfig,
    int Rank,
    double Alpha,
    IReadOnlyList<LoraTargetModule> TargetModules,
    IReadOnlyList<int>? LayersToTransform)
{
    /// <summary>The adapter_config.json to save into <paramref name="outputDirectory"/>: the base named by its path
    /// relative to the adapter, and by its content fingerprint.</summary>
    public LoraAdapterConfig ToAdapterConfig(string outputDirectory, string baseFingerprint) =>
        new(Path.GetRelativePath(outputDirectory, BaseDirectory).Replace('\\', '/'), Rank, Alpha, TargetModules, Dropout: 0,
            LayersToTransform, UseRsLora: false, baseFingerprint);
}
