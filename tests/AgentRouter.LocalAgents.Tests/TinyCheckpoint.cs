using AgentRouter.Core.Backends;
using AgentRouter.Actors.Backends;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Agents;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

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

    /// <summary>Writes a rank-4 LoRA adapter on every attention projection into <paramref name="folder"/> beside the model,
    /// with weights drawn from N(0, 0.3²) so that it visibly changes the base's letters.</summary>
    /// <param name="baseFingerprint">The base fingerprint recorded in adapter_config.json (a wrong one makes a mismatched adapter).</param>
    public void WriteRandomAdapter(string folder, string baseFingerprint, long seed)
    {
        var baseConfig = ModelCheckpoint.LoadConfig(ModelDirectory);
        var config = new LoraAdapterConfig("../model", 4, 8, Enum.GetValues<LoraTargetModule>(), 0, null, UseRsLora: false, baseFingerprint);
        using var adapter = LoraAdapter.CreateForTraining(folder, baseConfig, config, seed, CPU);
        using (no_grad())
        {
            using var generator = new Generator((ulong)seed);
            foreach (var (_, tensor) in adapter.NamedTensors())
            {
                tensor.normal_(0, 0.3, generator);
            }
        }
        adapter.Save(Path.Combine(Root, folder));
    }

    /// <summary>Resolves one manifest file through the <c>local</c> backend factory, as the runtime does at start-up.</summary>
    public static IModelBackend? BuildBackend(string manifestPath, SharedModelHosts hosts, List<ManifestError> errors)
    {
        var parsed = AgentManifestLoader.Parse(File.ReadAllText(manifestPath), manifestPath);
        Assert.Empty(parsed.Errors);
        return LocalBackendRegistration.Factory(hosts)(Assert.Single(parsed.Manifests), errors);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
