using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Safetensors;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Adapters;

/// <summary>The base model an adapter is being loaded over.</summary>
/// <param name="Directory">Its checkpoint folder, or null for a model that was not loaded from disk.</param>
/// <param name="Fingerprint">Its <see cref="BaseModelFingerprint"/>, or null when unknown.</param>
public sealed record LoraBaseModel(MoeModelConfig Config, string? Directory, string? Fingerprint)
{
    public static LoraBaseModel FromDirectory(string directory, MoeModelConfig config) =>
        new(config, Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)), BaseModelFingerprint.Compute(directory));
}

/// <summary>
/// Reads a PEFT LoRA adapter folder and checks all of it against the base model before any tensor is used: the
/// config's fields, that the base is the one the adapter was trained on, that every expected A/B tensor is present
/// with the shape the base's projections need, and that there is no tensor it would ignore.
/// </summary>
public static class LoraAdapterLoader
{
    public static LoraAdapter Load(string adapterDirectory, LoraBaseModel baseModel, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(adapterDirectory);
        ArgumentNullException.ThrowIfNull(baseModel);
        if (!Directory.Exists(adapterDirectory))
        {
            throw new LoraAdapterException(adapterDirectory, "(folder)", "adapter folder not found");
        }
        var configPath = Path.Combine(adapterDirectory, LoraAdapterConfig.FileName);
        var config = LoraAdapterConfig.Load(configPath);
        CheckBase(config, configPath, adapterDirectory, baseModel);
        var baseConfig = baseModel.Config;
        if (config.LayersToTransform?.FirstOrDefault(layer => layer >= baseConfig.NumLayers) is { } outside && outside >= baseConfig.NumLayers)
        {
            throw new LoraAdapterException(configPath, "layers_to_transform", $"layer {outside} does not exist: the base has {baseConfig.NumLayers} layers");
        }

        var weightsPath = Path.Combine(adapterDirectory, LoraAdapter.WeightsFileName);
        if (!File.Exists(weightsPath))
        {
            throw new LoraAdapterException(weightsPath, "(file)", $"{LoraAdapter.WeightsFileName} not found");
        }
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Open(weightsPath);
        }
        catch (SafetensorsFormatException error)
        {
            throw new LoraAdapterException(weightsPath, error.TensorName ?? "(file)", error.Problem);
        }
        using (file)
        {
            var expected = ExpectedShapes(config, baseConfig);
            foreach (var info in file.Tensors.OrderBy(info => info.Name, StringComparer.Ordinal))
            {
                if (!expected.TryGetValue(info.Name, out var shape))
                {
                    throw new LoraAdapterException(weightsPath, info.Name,
                        $"not used by an adapter with this {LoraAdapterConfig.FileName} ({config}, layers {Layers(config, baseConfig)})");
                }
                if (!info.Shape.SequenceEqual(shape))
                {
                    throw new LoraAdapterException(weightsPath, info.Name,
                        $"shape [{string.Join(", ", info.Shape)}] does not match [{string.Join(", ", shape)}] required by r={config.Rank} and the base config");
                }
                if (info.DType.ToScalarType() is not (ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64))
                {
                    throw new LoraAdapterException(weightsPath, info.Name, $"dtype {info.DType} is not floating point");
                }
            }
            if (expected.Keys.FirstOrDefault(name => !file.Contains(name)) is { } missing)
            {
                throw new LoraAdapterException(weightsPath, missing, "missing");
            }
            return Build(file, config, baseConfig, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(adapterDirectory))), device, dtype);
        }
    }

    private static void CheckBase(LoraAdapterConfig config, string configPath, string adapterDirectory, LoraBaseModel baseModel)
    {
        if (config.BaseModelFingerprint is { } recorded && baseModel.Fingerprint is { } actual)
        {
            if (recorded != actual)
            {
                throw new LoraAdapterException(configPath, LoraAdapterConfig.FingerprintField,
                    $"the adapter was trained on a base with fingerprint {recorded}, but the base model{(baseModel.Directory is null ? "" : $" at '{baseModel.Directory}'")} has {actual}");
            }
            return;
        }
        if (baseModel.Directory is null)
        {
            return;
        }
        // Without fingerprints, the recorded name must point at the base: as a path relative to the adapter, or by folder name.
        var named = config.BaseModelNameOrPath;
        var resolved = Path.TrimEndingDirectorySeparator(Path.GetFullPath(named, Path.GetFullPath(adapterDirectory)));
        var baseFolderName = Path.GetFileName(baseModel.Directory);
        if (resolved != baseModel.Directory && named != baseFolderName && !baseModel.Directory.EndsWith(Path.DirectorySeparatorChar + named.TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new LoraAdapterException(configPath, "base_model_name_or_path",
                $"the adapter was trained on '{named}', which is not the base model at '{baseModel.Directory}'");
        }
    }

    private static Dictionary<string, long[]> ExpectedShapes(LoraAdapterConfig config, MoeModelConfig baseConfig)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        for (var layer = 0; layer < baseConfig.NumLayers; layer++)
        {
            if (!config.AppliesTo(layer))
            {
                continue;
            }
            foreach (var module in config.TargetModules)
            {
                var (inWidth, outWidth) = module.Shape(baseConfig);
                shapes[LoraTargetModules.TensorName(layer, module, isA: true)] = [config.Rank, inWidth];
                shapes[LoraTargetModules.TensorName(layer, module, isA: false)] = [outWidth, config.Rank];
            }
        }
        return shapes;
    }

    private static LoraAdapter Build(SafetensorsFile file, LoraAdapterConfig config, MoeModelConfig baseConfig, string name, Device? device, ScalarType dtype)
    {
        var layers = new LoraLayerAdapter?[baseConfig.NumLayers];
        try
        {
            for (var layer = 0; layer < baseConfig.NumLayers; layer++)
            {
                if (!config.AppliesTo(layer))
                {
                    continue;
                }
                var projections = new Dictionary<LoraTargetModule, LoraProjection>();
                foreach (var module in config.TargetModules)
                {
                    var a = Read(file, LoraTargetModules.TensorName(layer, module, isA: true), device, dtype);
                    var b = Read(file, LoraTargetModules.TensorName(layer, module, isA: false), device, dtype);
                    projections[module] = new LoraProjection(a, b, config.Scale);
                }
                layers[layer] = new LoraLayerAdapter(layer, projections);
            }
            return new LoraAdapter(name, config, layers);
        }
        catch
        {
            new LoraAdapter(name, config, layers).Dispose();
            throw;
        }
    }

    private static Tensor Read(SafetensorsFile file, string name, Device? device, ScalarType dtype)
    {
        using var stored = file.ReadTensor(name);
        var converted = stored.to(dtype, device ?? CPU, copy: true);
        return converted.DetachFromDisposeScope();
    }

    private static string Layers(LoraAdapterConfig config, MoeModelConfig baseConfig) =>
        config.LayersToTransform is null ? $"0..{baseConfig.NumLayers - 1}" : string.Join(",", config.LayersToTransform);
}
