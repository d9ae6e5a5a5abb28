using AgentRouter.Core.Configuration;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Safetensors;
using TorchSharp;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Checkpoints;

/// <summary>Loads and saves models in the Hugging Face folder layout: <c>config.json</c> + safetensors weights.</summary>
public static class ModelCheckpoint
{
    public const string ConfigFileName = "config.json";

    /// <summary>Overrides <see cref="DefaultMemoryBudgetBytes"/> (mebibytes).</summary>
    public const string MemoryBudgetVariable = "AGENTROUTER_MODEL_MEMORY_BUDGET_MB";

    public static MoeModelConfig LoadConfig(string directory) => MoeModelConfig.Load(Path.Combine(directory, ConfigFileName));

    /// <summary>The most memory one model's parameters may take: <see cref="MemoryBudgetVariable"/> when set,
    /// else the memory this process may use (physical memory or its container's limit).</summary>
    public static long DefaultMemoryBudgetBytes =>
        AgentRouterSettings.FromEnvironment().ModelMemoryBudgetMebibytes is > 0 and var mebibytes
            ? mebibytes * 1024 * 1024
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Reads config.json and the weights, validating every tensor against the config. Before any tensor
    /// exists, the config's parameter count (at <paramref name="dtype"/>'s size) is checked against
    /// <paramref name="memoryBudgetBytes"/> (default <see cref="DefaultMemoryBudgetBytes"/>) and against what the weight
    /// files actually hold, so that a config describing a huge model over small files is refused instead of allocated.
    /// Weights with NaN or infinite values are refused too.</summary>
    /// <param name="dtype">The parameters' dtype: each stored tensor is converted on its own (bf16 stays bf16 when asked).</param>
    /// <param name="mapWeights">On the CPU, bind tensors stored in <paramref name="dtype"/> to the memory-mapped files
    /// instead of copying them (read-only inference: the pages are the files'; writes would be private copies).</param>
    public static MoeForCausalLm Load(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32, bool mapWeights = false,
        long? memoryBudgetBytes = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new CheckpointException(directory, null, "checkpoint folder not found");
        }
        var config = LoadConfig(directory);
        using var tensors = CheckpointTensors.Open(directory);
        CheckSizes(directory, config, tensors, dtype, memoryBudgetBytes ?? DefaultMemoryBudgetBytes);
        // Built on the meta device: shapes only, so the model's memory is only what the checkpoint binds.
        var model = new MoeForCausalLm(config, ParameterPlacement.Meta(dtype));
        try
        {
            var consumed = ParameterLoader.Bind(model, tensors, dtype, device ?? CPU, mapWeights);
            foreach (var name in tensors.Names.Order(StringComparer.Ordinal))
            {
                if (!consumed.Contains(name) && !IsIgnorable(name, config))
                {
                    throw new CheckpointException(tensors.FileOf(name), name, "not used by a model of this config.json (does the config match the weights?)");
                }
            }
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes config.json and model.safetensors (fused expert layout) into <paramref name="directory"/>.</summary>
    public static void Save(MoeForCausalLm model, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ConfigFileName), model.Config.ToJson());
        var parameters = model.named_parameters().Select(pair => new KeyValuePair<string, Tensor>(pair.name, pair.parameter));
        SafetensorsWriter.Write(Path.Combine(directory, CheckpointTensors.SingleFileName), parameters,
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>Parameters a config may describe beyond twice the files' elements (tiny test models).</summary>
    private const long SmallModelSlack = 1 << 20;

    private static void CheckSizes(string directory, MoeModelConfig config, CheckpointTensors tensors, ScalarType dtype, long budgetBytes)
    {
        var configPath = Path.Combine(directory, ConfigFileName);
        var parameters = ParameterCounts.Of(config).Total;
        var elementBytes = dtype is ScalarType.BFloat16 or ScalarType.Float16 ? 2 : sizeof(float);
        var bytes = parameters > long.MaxValue / elementBytes ? long.MaxValue : parameters * elementBytes;
        if (bytes > budgetBytes)
        {
            throw new CheckpointException(configPath, null,
                $"a model of this config.json has {parameters:N0} parameters ({bytes / (1024.0 * 1024 * 1024):N1} GiB as {dtype}), over the memory budget of {budgetBytes / (1024.0 * 1024 * 1024):N1} GiB (set {MemoryBudgetVariable} to change it)");
        }
        long stored = 0;
        foreach (var name in tensors.Names)
        {
            stored += tensors.Info(name).ElementCount;
        }
        // Small disagreements (a missing or misshapen tensor) are left to the loader, which names the tensor; this
        // check bounds what a config can make us allocate to twice what the files really hold.
        if (parameters > (2 * stored) + SmallModelSlack)
        {
            throw new CheckpointException(configPath, null,
                $"config.json describes {parameters:N0} parameters but the weight files hold only {stored:N0}: does the config match the weights?");
        }
    }

    private static bool IsIgnorable(string name, MoeModelConfig config) =>
        name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
        || (config.TieWordEmbeddings && name == "lm_head.weight");
}
