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
    public static MoeForCausalLm Load(string directory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        if (!Directory.Exists(directory))
        {
            throw new CheckpointException(directory, null, "checkpoint folder not found");
        }
        var config = LoadConfig(directory);
        using var tensors = CheckpointTensors.Open(directory);
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

    private static bool IsIgnorable(string name, MoeModelConfig config) =>
        name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
        || (config.TieWordEmbeddings && name == "lm_head.weight");
}
