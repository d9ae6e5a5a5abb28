using AgentRouter.Core.IO;
using System.Text.Json;
using AgentRouter.Core.Json;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;

namespace AgentRouter.Inference.Training;

/// <summary>Reads a training config's <c>adapter</c> section (format in docs/TRAINING.md) and the base's config.json.</summary>
internal static class AdapterSectionReader
{
    public static AdapterTrainingConfig Read(StrictJsonObject section, string configFolder)
    {
        var baseDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(section.String("base", required: true)!, configFolder));
        var baseConfigPath = Path.Combine(baseDirectory, ModelCheckpoint.ConfigFileName);
        if (!File.Exists(baseConfigPath))
        {
            throw section.Invalid("base", $"no base checkpoint at '{baseDirectory}' ({ModelCheckpoint.ConfigFileName} not found)");
        }

        Configuration.MoeModelConfig baseConfig;
        try
        {
            baseConfig = TrainingModelValidator.Validate(InputFiles.ReadAllText(baseConfigPath), baseConfigPath);
        }
        catch (InputFileException error)
        {
            throw section.Invalid("base", $"the base's config.json cannot be read: {error.Problem}");
        }
        catch (TrainingConfigException error)
        {
            throw section.Invalid("base", $"the base's config.json is not trainable here: {error.Message}");
        }

        var rank = section.Int("r", 8, 1, 1024);
        var alpha = section.Double("alpha", 2.0 * rank, 0, 1e6, minExclusive: true);
        var targets = new List<LoraTargetModule>();
        if (section.Element("target_modules", JsonValueKind.Array, required: false) is { } targetElement)
        {
            foreach (var entry in targetElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.String || !LoraTargetModules.TryParse(entry.GetString()!, out var module))
                {
                    throw section.Invalid("target_modules", $"unsupported target module {entry.GetRawText()} (supported: {string.Join(", ", LoraTargetModules.SupportedNames)})");
                }
                if (!targets.Contains(module))
                {
                    targets.Add(module);
                }
            }
            if (targets.Count == 0)
            {
                throw section.Invalid("target_modules", "must name at least one module");
            }
        }
        else
        {
            targets.AddRange(Enum.GetValues<LoraTargetModule>());
        }

        IReadOnlyList<int>? layers = null;
        if (section.Element("layers_to_transform", JsonValueKind.Array, required: false) is { } layersElement)
        {
            layers = layersElement.EnumerateArray()
                .Select(entry => entry.ValueKind == JsonValueKind.Number && entry.TryGetInt32(out var layer) && layer >= 0 && layer < baseConfig.NumLayers
                    ? layer
                    : throw section.Invalid("layers_to_transform", $"expected layer indices 0..{baseConfig.NumLayers - 1} of the base, got {entry.GetRawText()}"))
                .Distinct().Order().ToArray();
            if (layers.Count == 0)
            {
                throw section.Invalid("layers_to_transform", "must not be empty");
            }
        }
        section.RejectUnknownFields();
        return new AdapterTrainingConfig(baseDirectory, baseConfig, rank, alpha, targets.Order().ToArray(), layers);
    }
}
