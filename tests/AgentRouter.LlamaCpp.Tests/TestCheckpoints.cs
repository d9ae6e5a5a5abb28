using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AgentRouter.LlamaCpp.Tests;

/// <summary>Checkpoint folders for the parity tests: the hf-moe fixtures shipped in data/hf-moe (or
/// $AGENTROUTER_FIXTURES) and random-weight models written by the engine's own writer.</summary>
internal static class TestCheckpoints
{
    public static string FixturesDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("AGENTROUTER_FIXTURES");
            var path = string.IsNullOrWhiteSpace(configured)
                ? Path.GetFullPath(Path.Combine(RepositoryRoot(), "data", "hf-moe"))
                : Path.GetFullPath(configured);
            if (!File.Exists(Path.Combine(path, "full_mixtral.safetensors")))
            {
                throw new InvalidOperationException($"The hf-moe fixtures were not found at '{path}'; set AGENTROUTER_FIXTURES to the folder holding full_mixtral.safetensors.");
            }
            return path;
        }
    }

    public static string Fixture(string name, string targetDirectory) =>
        FixtureCheckpointAssembler.Assemble(FixturesDirectory, name, Path.Combine(targetDirectory, name));

    /// <summary>A random-weight checkpoint; with <paramref name="randomiseNormsAndBiases"/> every norm weight and bias is
    /// drawn at random too, so a dropped, swapped or mis-shaped norm or bias changes the logits.</summary>
    public static string Random(MoeModelConfig config, string targetDirectory, int seed, double standardDeviation = 0.3, bool randomiseNormsAndBiases = true)
    {
        using var model = MoeForCausalLm.CreateRandom(config, seed, standardDeviation);
        if (randomiseNormsAndBiases)
        {
            RandomiseNormsAndBiases(model, seed);
        }
        ModelCheckpoint.Save(model, targetDirectory);
        return targetDirectory;
    }

    public static string RandomisedCopy(string checkpointDirectory, string targetDirectory, int seed)
    {
        using var model = ModelCheckpoint.Load(checkpointDirectory);
        RandomiseNormsAndBiases(model, seed);
        ModelCheckpoint.Save(model, targetDirectory);
        return targetDirectory;
    }

    private static void RandomiseNormsAndBiases(MoeForCausalLm model, int seed)
    {
        using var noGrad = torch.no_grad();
        var generator = new Generator((ulong)seed + 1000);
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.Contains("norm", StringComparison.Ordinal))
            {
                parameter.copy_(torch.rand(parameter.shape, generator: generator) + 0.5);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                parameter.copy_(torch.randn(parameter.shape, generator: generator) * 0.2);
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"AgentRouter.sln not found above '{AppContext.BaseDirectory}'; set AGENTROUTER_FIXTURES instead.");
    }
}

internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "agentrouter-llamacpp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
