using AgentRouter.Inference.Adapters;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Inference.Training;

/// <summary>Writes a trained model in Hugging Face layout (config.json, model.safetensors, tokenizer_config.json,
/// special_tokens_map.json) and the training config beside it, so the model can be retrained with one command.
/// There is deliberately no tokenizer.json: the engine's tokenizer loader falls back to the byte-level tokenizer
/// when a checkpoint has none.</summary>
public static class TrainingOutput
{
    public const string TrainingConfigFileName = "training_config.json";
    public const string TokenizerConfigFileName = "tokenizer_config.json";
    public const string SpecialTokensFileName = "special_tokens_map.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Save(MoeForCausalLm model, TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        ModelCheckpoint.Save(model, config.OutputDirectory);
        File.WriteAllText(Path.Combine(config.OutputDirectory, TrainingConfigFileName), config.SourceJson);
        WriteTokenizerFiles(config.OutputDirectory, model.Config.MaxPositionEmbeddings);
    }

    /// <summary>Writes a LoRA adapter in PEFT layout (adapter_config.json, adapter_model.safetensors) and the training
    /// config beside it; the frozen base is not written.</summary>
    public static void SaveAdapter(LoraAdapter adapter, TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(config);
        adapter.Save(config.OutputDirectory);
        File.WriteAllText(Path.Combine(config.OutputDirectory, TrainingConfigFileName), config.SourceJson);
    }

    private static void WriteTokenizerFiles(string directory, int maxLength)
    {
        var special = new JsonObject { ["bos_token"] = "<s>", ["eos_token"] = "</s>", ["pad_token"] = "<pad>" };
        var tokenizerConfig = new JsonObject
        {
            ["tokenizer_class"] = nameof(ByteLevelTokenizer),
            ["vocab_size"] = ByteLevelTokenizer.VocabularySize,
            ["model_max_length"] = maxLength,
            ["add_bos_token"] = false,
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
            ["pad_token"] = "<pad>",
            ["added_tokens_decoder"] = new JsonObject
            {
                [ByteLevelTokenizer.BeginOfSequenceId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Token("<s>"),
                [ByteLevelTokenizer.EndOfSequenceId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Token("</s>"),
                [ByteLevelTokenizer.PaddingId.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Token("<pad>"),
            },
        };
        File.WriteAllText(Path.Combine(directory, TokenizerConfigFileName), tokenizerConfig.ToJsonString(Indented));
        File.WriteAllText(Path.Combine(directory, SpecialTokensFileName), special.ToJsonString(Indented));
    }

    private static JsonObject Token(string content) => new() { ["content"] = content, ["special"] = true };
}
