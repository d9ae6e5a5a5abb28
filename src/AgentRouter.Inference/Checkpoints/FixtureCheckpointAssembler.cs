namespace AgentRouter.Inference.Checkpoints;

/// <summary>
/// Turns the flat files of the hf-moe fixture set (see data/hf-moe/README.md) into a
/// checkpoint folder (config.json + model.safetensors) that <see cref="ModelCheckpoint.Load"/> reads.
/// </summary>
public static class FixtureCheckpointAssembler
{
    /// <summary>Fixture checkpoints and the config file that belongs to each.</summary>
    public static IReadOnlyDictionary<string, string> ConfigOfCheckpoint { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["full_mixtral"] = "mixtral_tiny_config.json",
        ["mixtral_classic"] = "mixtral_classic_config.json",
    };

    public static string Assemble(string fixturesDirectory, string checkpointName, string targetDirectory)
    {
        if (!ConfigOfCheckpoint.TryGetValue(checkpointName, out var configName))
        {
            throw new CheckpointException(fixturesDirectory, null,
                $"unknown fixture checkpoint '{checkpointName}' (known: {string.Join(", ", ConfigOfCheckpoint.Keys)})");
        }
        var weights = Path.Combine(fixturesDirectory, checkpointName + ".safetensors");
        var config = Path.Combine(fixturesDirectory, configName);
        foreach (var required in new[] { weights, config })
        {
            if (!File.Exists(required))
            {
                throw new CheckpointException(required, null, "fixture file not found");
            }
        }
        Directory.CreateDirectory(targetDirectory);
        File.Copy(config, Path.Combine(targetDirectory, ModelCheckpoint.ConfigFileName), overwrite: true);
        File.Copy(weights, Path.Combine(targetDirectory, CheckpointTensors.SingleFileName), overwrite: true);
        return targetDirectory;
    }
}
