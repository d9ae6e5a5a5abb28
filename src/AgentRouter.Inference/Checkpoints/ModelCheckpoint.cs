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

    public static MoeModelConfig LoadConfig(string directory) => MoeModelConfig.Load(Path.Combine(directory, ConfigFileName));

    /// <summary>Reads config.json and the weights, validating every tensor against the config.</summary>
    /// <param name="dtype">The parameters' dtype: each stored tensor is converted on its own (bf16 stays bf16 when asked).</param>
    /// <param name="mapWeights">On the CPU, bind tensors stored in <paramref name="dtype"/> to the memory-mapped files
    /// instead of copying them (read-only inference: the pages are the files'; writes would be private copies).</param>
    public static MoeForCausalLm Load(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32, bool mapWeights = false)
    {
        if (!Directory.Exists(directory))
        {
            throw new CheckpointException(directory, null, "checkpoint folder not found");
        }
        var config = LoadConfig(directory);
        using var tensors = CheckpointTensors.Open(directory);
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

    private static bool IsIgnorable(string name, MoeModelConfig config) =>
        name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
        || (config.TieWordEmbeddings && name == "lm_head.weight");
}
