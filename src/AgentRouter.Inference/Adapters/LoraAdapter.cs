using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Safetensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Adapters;

/// <summary>
/// A loaded LoRA adapter: per decoder layer, the low-rank updates of the targeted projections. It holds no base
/// weights: one loaded base model serves any number of adapters, chosen per forward call
/// (<see cref="Modules.MoeForCausalLm.Forward"/>'s <c>adapter</c> argument).
/// </summary>
public sealed class LoraAdapter : IDisposable
{
    public const string WeightsFileName = "adapter_model.safetensors";

    private readonly LoraLayerAdapter?[] _layers;

    public LoraAdapter(string name, LoraAdapterConfig config, IReadOnlyList<LoraLayerAdapter?> layers)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layers);
        Name = name;
        Config = config;
        _layers = layers.ToArray();
    }

    /// <summary>Identifies the adapter (its folder name when loaded), e.g. to key cached state by weights.</summary>
    public string Name { get; }

    public LoraAdapterConfig Config { get; }

    public int LayerCount => _layers.Length;

    /// <summary>The updates of layer <paramref name="layer"/>, or null when the adapter leaves that layer alone.</summary>
    public LoraLayerAdapter? Layer(int layer) => layer >= 0 && layer < _layers.Length ? _layers[layer] : null;

    /// <summary>Every A and B tensor under its PEFT name.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedTensors()
    {
        foreach (var layer in _layers.OfType<LoraLayerAdapter>())
        {
            foreach (var (module, projection) in layer.Projections.OrderBy(pair => pair.Key))
            {
                yield return new(LoraTargetModules.TensorName(layer.LayerIndex, module, isA: true), projection.A);
                yield return new(LoraTargetModules.TensorName(layer.LayerIndex, module, isA: false), projection.B);
            }
        }
    }

    public long ParameterCount => NamedTensors().Sum(pair => pair.Value.numel());

    /// <summary>The A and B tensors of an adapter made by <see cref="CreateForTraining"/> (a loaded adapter has none).</summary>
    public IReadOnlyList<Parameter> TrainableParameters() => NamedTensors().Select(pair => pair.Value).OfType<Parameter>().ToList();

    /// <summary>A fresh adapter to train, initialised as PEFT does: A ~ U(−1/√in, 1/√in) (kaiming-uniform with
    /// a = √5), B = 0, so training starts from exactly the base model. The tensors require gradients.</summary>
    public static LoraAdapter CreateForTraining(string name, MoeModelConfig baseConfig, LoraAdapterConfig config, long seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(config);
        using var generator = new Generator((ulong)seed);
        var layers = new LoraLayerAdapter?[baseConfig.NumLayers];
        for (var layer = 0; layer < baseConfig.NumLayers; layer++)
        {
            if (!config.AppliesTo(layer))
            {
                continue;
            }
            var projections = new Dictionary<LoraTargetModule, LoraProjection>();
            foreach (var module in config.TargetModules)
            {
                var (inWidth, outWidth) = module.Shape(baseConfig);
                var bound = 1.0 / Math.Sqrt(inWidth);
                var a = new Parameter(empty(config.Rank, inWidth).uniform_(-bound, bound, generator).to(device), requires_grad: true);
                var b = new Parameter(zeros(outWidth, config.Rank, device: device), requires_grad: true);
                projections[module] = new LoraProjection(a.DetachFromDisposeScope(), b.DetachFromDisposeScope(), config.Scale);
            }
            layers[layer] = new LoraLayerAdapter(layer, projections);
        }
        return new LoraAdapter(name, config, layers);
    }

    /// <summary>Writes adapter_config.json and adapter_model.safetensors (PEFT names) into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, LoraAdapterConfig.FileName), Config.ToJson());
        SafetensorsWriter.Write(Path.Combine(directory, WeightsFileName), NamedTensors(), new Dictionary<string, string> { ["format"] = "pt" });
    }

    public void Dispose()
    {
        foreach (var layer in _layers.OfType<LoraLayerAdapter>())
        {
            foreach (var projection in layer.Projections.Values)
            {
                projection.Dispose();
            }
        }
    }
}
