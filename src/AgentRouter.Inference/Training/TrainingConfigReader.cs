using AgentRouter.Core.IO;
using System.Text.Json;
using AgentRouter.Core.Json;
using AgentRouter.Core.Suite;

namespace AgentRouter.Inference.Training;

/// <summary>Reads a training config JSON (format in docs/TRAINING.md). Every field is checked and unknown fields
/// are rejected, so that a bad config fails before any model is built.</summary>
public static class TrainingConfigReader
{
    public static TrainingConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string json;
        try
        {
            json = InputFiles.ReadAllText(path);
        }
        catch (InputFileException error)
        {
            throw new TrainingConfigException(path, "(document)", error.Problem == "not found" ? "file not found" : error.Problem);
        }

        return Parse(json, path);
    }

    /// <param name="filePath">Names the config in errors; relative output paths resolve against its folder.</param>
    public static TrainingConfig Parse(string json, string filePath)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(filePath);
        return Read(StrictJsonObject.Parse(json, filePath, TrainingConfigJson.Problems)!, filePath, json);
    }

    private static TrainingConfig Read(StrictJsonObject root, string filePath, string sourceJson)
    {
        var name = root.String("name", required: true)!;
        var seed = root.UInt64("seed", 1);
        var folder = Path.GetDirectoryName(Path.GetFullPath(filePath)) ?? Directory.GetCurrentDirectory();
        var adapter = root.Child("adapter", required: false) is { } adapterSection ? AdapterSectionReader.Read(adapterSection, folder) : null;
        var modelElement = root.Element("model", JsonValueKind.Object, required: adapter is null);
        if (adapter is not null && modelElement is not null)
        {
            throw root.Invalid("model", "not allowed with \"adapter\": the model is the base checkpoint's config.json");
        }
        var model = adapter?.BaseConfig ?? TrainingModelValidator.Validate(modelElement!.Value.GetRawText(), filePath);

        var data = ReadData(root.Child("data", required: true)!);
        var optimizer = ReadOptimizer(root.Child("optimizer", required: false));
        var steps = root.Int("steps", null, 1);
        var warmup = root.Int("warmup_steps", 0, 0, steps);
        var batchSize = root.Int("batch_size", null, 1, 65_536);
        var loss = root.Choice("loss", "answer", "answer", "sequence") == "sequence" ? TrainingLossTarget.Sequence : TrainingLossTarget.Answer;
        var sequenceWeight = root.Double("sequence_loss_weight", 0, 0, 10);
        if (sequenceWeight > 0 && loss == TrainingLossTarget.Sequence)
        {
            throw root.Invalid("sequence_loss_weight", "only applies to \"loss\": \"answer\" (the sequence loss already covers every byte)");
        }

        var aux = root.Double("aux_loss_coefficient", 0.01, 0, 10);
        var evalEvery = root.Int("eval_every", steps, 1);
        var output = root.String("output", required: true)!;
        root.RejectUnknownFields();

        return new TrainingConfig(
            name, seed, model, data, optimizer, steps, warmup, batchSize, loss, aux, evalEvery, Path.GetFullPath(output, folder), sourceJson, adapter, sequenceWeight);
    }

    private static TrainingDataConfig ReadData(StrictJsonObject data)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        if (data.Element("domain_weights", JsonValueKind.Object, required: false) is { } weightElement)
        {
            foreach (var property in weightElement.EnumerateObject())
            {
                if (!SuiteDomains.IsKnown(property.Name))
                {
                    throw data.Invalid($"domain_weights.{property.Name}", $"unknown suite domain (known: {string.Join(", ", SuiteDomains.All)})");
                }

                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var weight) || !(weight >= 0) || !double.IsFinite(weight))
                {
                    throw data.Invalid($"domain_weights.{property.Name}", $"expected a non-negative number, got {property.Value.GetRawText()}");
                }

                if (weight > 0)
                {
                    weights[property.Name] = weight;
                }
            }

            if (weights.Count == 0)
            {
                throw data.Invalid("domain_weights", "at least one domain needs a positive weight");
            }
        }
        else
        {
            foreach (var domain in SuiteDomains.All)
            {
                weights[domain] = 1.0;
            }
        }

        var difficulties = new List<int>();
        if (data.Element("difficulties", JsonValueKind.Array, required: false) is { } difficultyElement)
        {
            foreach (var entry in difficultyElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Number || !entry.TryGetInt32(out var level) || !SuiteDomains.IsValidDifficulty(level) || difficulties.Contains(level))
                {
                    throw data.Invalid("difficulties", $"expected distinct integers {SuiteDomains.MinDifficulty}..{SuiteDomains.MaxDifficulty}, got {entry.GetRawText()}");
                }

                difficulties.Add(level);
            }

            if (difficulties.Count == 0)
            {
                throw data.Invalid("difficulties", "must not be empty");
            }
        }
        else
        {
            difficulties.AddRange(SuiteDomains.Difficulties);
        }

        var trainItems = data.Int("train_items", 20_000, 1);
        var evalItems = data.Int("eval_items", 500, 1);
        var seed = data.UInt64("seed", 1);
        var lookupFraction = data.Double("lookup_fraction", 0, 0, 1, maxExclusive: true);
        data.RejectUnknownFields();
        return new TrainingDataConfig(weights, difficulties, trainItems, evalItems, seed, lookupFraction);
    }

    private static OptimizerConfig ReadOptimizer(StrictJsonObject? optimizer)
    {
        if (optimizer is null)
        {
            return new OptimizerConfig(3e-3, 0.1, 0.01, 0.9, 0.95, 1e-8, 1.0);
        }

        var config = new OptimizerConfig(
            LearningRate: optimizer.Double("learning_rate", 3e-3, 0, 1, minExclusive: true),
            MinLearningRateRatio: optimizer.Double("min_learning_rate_ratio", 0.1, 0, 1),
            WeightDecay: optimizer.Double("weight_decay", 0.01, 0, 1),
            Beta1: optimizer.Double("beta1", 0.9, 0, 1, maxExclusive: true),
            Beta2: optimizer.Double("beta2", 0.95, 0, 1, maxExclusive: true),
            Epsilon: optimizer.Double("epsilon", 1e-8, 0, 1, minExclusive: true),
            GradientClipNorm: optimizer.Double("gradient_clip_norm", 1.0, 0, 1e6, minExclusive: true));
        optimizer.RejectUnknownFields();
        return config;
    }
}
