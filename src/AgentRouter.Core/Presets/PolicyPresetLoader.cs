using AgentRouter.Core.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Json;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Presets;

/// <summary>Loads and validates policy presets. A preset is valid when its policy exists and the policy
/// accepts its parameters, so every error a policy would raise surfaces at load time, naming the file and
/// field.</summary>
public static class PolicyPresetLoader
{
    /// <summary>The repository's <c>policies/</c> directory: AGENTROUTER_POLICIES when set, else the
    /// <c>policies</c> folder beside the first <c>AgentRouter.sln</c> found walking up from
    /// <paramref name="start"/> (default: the current directory), else <c>./policies</c>.</summary>
    public static string DefaultDirectory(string? start = null)
    {
        var configured = Environment.GetEnvironmentVariable("AGENTROUTER_POLICIES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(start ?? Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return Path.Combine(directory.FullName, "policies");
            }
        }

        return Path.GetFullPath("policies");
    }

    /// <summary>Loads <paramref name="nameOrPath"/>: an existing file path, or a preset name looked up as
    /// <c>{name}.json</c> in <paramref name="policiesDirectory"/>.</summary>
    public static PolicyPreset Load(string nameOrPath, string policiesDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (File.Exists(nameOrPath))
        {
            return LoadFile(nameOrPath);
        }

        var candidate = Path.Combine(policiesDirectory, nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? nameOrPath : nameOrPath + ".json");
        if (File.Exists(candidate))
        {
            return LoadFile(candidate);
        }

        var known = Directory.Exists(policiesDirectory)
            ? string.Join(", ", Directory.GetFiles(policiesDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
            : "(directory missing)";
        throw new PolicyPresetException(candidate, null,
            $"no preset '{nameOrPath}': neither a file nor a name in {policiesDirectory} (known presets: {known})");
    }

    public static PolicyPreset LoadFile(string path)
    {
        string text;
        try
        {
            text = InputFiles.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyPresetException(path, null, $"cannot be read: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses preset JSON; <paramref name="source"/> names it in errors.</summary>
    public static PolicyPreset Parse(string json, string source)
    {
        var problems = JsonProblems.Throwing((file, field, problem) => new PolicyPresetException(file, field == "(document)" ? null : field, problem));
        var preset = StrictJsonObject.Parse(json, source, problems)!;
        var policy = preset.String("policy", required: true)!;
        if (!PolicyCatalog.IsKnown(policy))
        {
            preset.Fail("policy", $"unknown policy '{policy}' (known: {string.Join(", ", PolicyCatalog.Names.Order(StringComparer.Ordinal))})");
        }

        var seed = preset.Int("seed", 1);
        var costWeight = preset.Has("costWeight") ? preset.Double("costWeight", 0, min: 0) : (double?)null;
        var parameters = preset.Element("parameters", JsonValueKind.Object) is { } element ? JsonNode.Parse(element.GetRawText())!.AsObject() : null;
        preset.String("description");
        preset.RejectUnknownFields();

        var result = new PolicyPreset(policy, seed, costWeight, parameters, source);
        try
        {
            result.CreatePolicy();
        }
        catch (ArgumentException e)
        {
            var field = e.ParamName is null or "costWeight" ? e.ParamName : "parameters." + e.ParamName;
            throw new PolicyPresetException(source, field, e.Message, e);
        }

        return result;
    }
}
