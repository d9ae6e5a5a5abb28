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

    /// <summary>The most memory one model's float32 parameters may take: <see cref="MemoryBudgetVariable"/> when set,
    /// else the memory this process may use (physical memory or its container's limit).</summary>
    public static long DefaultMemoryBudgetBytes =>
        long.TryParse(Environment.GetEnvironmentVariable(MemoryBudgetVariable), out var mebibytes) && mebibytes > 0
            ? mebibytes * 1024 * 1024
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Reads config.json and the weights, validating every tensor against the config. Before any tensor
    /// exists, the config's parameter count is checked against <paramref name="memoryBudgetBytes"/> (default
    /// <see cref="DefaultMemoryBudgetBytes"/>) and against what the weight files actually hold, so that a config
    /// describing a huge model over small files is refused instead of allocated. Weights with NaN or infinite
    /// values are refused too.</summary>
    public static MoeForCausalLm Load(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32, long? memoryBudgetBytes = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new CheckpointException(directory, null, "checkpoint folder not found");
        }
        var config = LoadConfig(directory);
        using var tensors = CheckpointTensors.Open(directory);
        CheckSizes(directory, config, tensors, memoryBudgetBytes ?? DefaultMemoryBudgetBytes);
        var model = new MoeForCausalLm(config);
        try
        {
            var consumed = ParameterLoader.Load(model, "", tensors);
            foreach (var name in tensors.Names.Order(StringComparer.Ordinal))
            {
                if (!consumed.Contains(name) && !IsIgnorable(name, config))
                {
                    throw new CheckpointException(tensors.FileOf(name), name, "not used by a model of this config.json (does the config match the weights?)");
                }
            }
            model.to(dtype);
            if (device is not null)
            {
                model.to(device);
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

    private static void CheckSizes(string directory, MoeModelConfig config, CheckpointTensors tensors, long budgetBytes)
    {
        var configPath = Path.Combine(directory, ConfigFileName);
        var parameters = ParameterCounts.Of(config).Total;
        var bytes = parameters > long.MaxValue / sizeof(float) ? long.MaxValue : parameters * sizeof(float);
        if (bytes > budgetBytes)
        {
            throw new CheckpointException(configPath, null,
                $"a model of this config.json has {parameters:N0} parameters ({bytes / (1024.0 * 1024 * 1024):N1} GiB as float32), over the memory budget of {budgetBytes / (1024.0 * 1024 * 1024):N1} GiB (set {MemoryBudgetVariable} to change it)");
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
