using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Adapters;

/// <summary>Hand-built LoRA adapters over the tiny configs.</summary>
internal static class TestAdapters
{
    public static LoraAdapterConfig Config(
        IReadOnlyList<LoraTargetModule>? targets = null, int rank = 4, double alpha = 8, IReadOnlyList<int>? layers = null, string? fingerprint = null) =>
        new("base", rank, alpha, targets ?? Enum.GetValues<LoraTargetModule>(), 0, layers, UseRsLora: false, fingerprint);

    /// <summary>An adapter with A and B both drawn from N(0, std²), so every targeted projection really changes.</summary>
    public static LoraAdapter Random(MoeModelConfig baseConfig, LoraAdapterConfig config, long seed, double standardDeviation = 0.2)
    {
        var adapter = LoraAdapter.CreateForTraining("random", baseConfig, config, seed, CPU);
        using var generator = new Generator((ulong)seed + 1);
        using (no_grad())
        {
            foreach (var (_, tensor) in adapter.NamedTensors())
            {
                tensor.normal_(0, standardDeviation, generator);
            }
        }
        return adapter;
    }

    /// <summary>Adds scale·B·A into the base projection weights of <paramref name="model"/>: the merged model the adapter stands for.</summary>
    public static void MergeInto(MoeForCausalLm model, LoraAdapter adapter)
    {
        var parameters = model.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter);
        using var noGrad = no_grad();
        for (var layer = 0; layer < adapter.LayerCount; layer++)
        {
            if (adapter.Layer(layer) is not { } layerAdapter)
            {
                continue;
            }
            foreach (var (module, projection) in layerAdapter.Projections)
            {
                var weight = parameters[$"model.layers.{layer}.self_attn.{module.PeftName()}.weight"];
                using var update = matmul(projection.B, projection.A).mul(projection.Scale);
                weight.add_(update);
            }
        }
    }

    public static Tensor Ids(MoeModelConfig config, int length, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return randint(0, config.VocabSize, [2, length], generator: generator);
    }
}
