using AgentRouter.Inference.Checkpoints;

namespace AgentRouter.Inference.Tests;

/// <summary>Locates the repository's data/hf-moe (or $AGENTROUTER_FIXTURES) and assembles checkpoint folders from it.</summary>
internal static class FixturePaths
{
    public const string EnvironmentVariable = "AGENTROUTER_FIXTURES";

    public static string Directory => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable), RepositoryRoot);

    /// <summary>The configured folder, or data/hf-moe under <paramref name="repositoryRoot"/> (the fixtures ship with the
    /// repository); throws naming the path tried.</summary>
    public static string Resolve(string? configured, Func<string> repositoryRoot)
    {
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(Path.Combine(repositoryRoot(), "data", "hf-moe"))
            : Path.GetFullPath(configured);
        if (!System.IO.File.Exists(Path.Combine(path, "full_mixtral.safetensors")))
        {
            throw new InvalidOperationException(
                $"The hf-moe fixtures were not found at '{path}'. Set {EnvironmentVariable} to the folder holding full_mixtral.safetensors " +
                "(default: data/hf-moe in the repository).");
        }
        return path;
    }

    public static string File(string name) => Path.Combine(Directory, name);

    /// <summary>A fresh checkpoint folder (config.json + model.safetensors) under a temporary directory.</summary>
    public static string AssembleCheckpoint(string checkpointName, TemporaryDirectory temporary) =>
        FixtureCheckpointAssembler.Assemble(Directory, checkpointName, temporary.Combine(checkpointName));

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"AgentRouter.sln not found above '{AppContext.BaseDirectory}'; set {EnvironmentVariable} instead.");
    }
}
