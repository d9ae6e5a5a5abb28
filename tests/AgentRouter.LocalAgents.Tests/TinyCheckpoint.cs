using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;

namespace AgentRouter.LocalAgents.Tests;

/// <summary>A temporary folder holding a randomly initialised byte-level Mixtral checkpoint and agent manifests.</summary>
internal sealed class TinyCheckpoint : IDisposable
{
    private const string ModelConfig = """
        {"model_type":"mixtral","vocab_size":259,"hidden_size":32,"num_hidden_layers":1,"num_attention_heads":2,
         "num_key_value_heads":1,"intermediate_size":32,"num_local_experts":4,"num_experts_per_tok":2,
         "max_position_embeddings":256,"tie_word_embeddings":false}
        """;

    public TinyCheckpoint()
    {
        Root = Path.Combine(Path.GetTempPath(), "agentrouter-local-" + Guid.NewGuid().ToString("N"));
        ModelDirectory = Path.Combine(Root, "model");
        var config = MoeModelConfig.Parse(ModelConfig, "tiny-config.json");
        // Weights large enough that the letters' logits differ visibly.
        using var model = MoeForCausalLm.CreateRandom(config, seed: 3, standardDeviation: 0.3);
        ModelCheckpoint.Save(model, ModelDirectory);
    }

    public string Root { get; }

    public string ModelDirectory { get; }

    /// <summary>Writes a manifest beside the model and returns its path.</summary>
    public string WriteManifest(string name, string settingsJson)
    {
        var path = Path.Combine(Root, name + ".json");
        File.WriteAllText(path, $$"""{"name":"{{name}}","backend":"local","capacity":1,"cost":{"perInputToken":0.001},"settings":{{settingsJson}}}""");
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
