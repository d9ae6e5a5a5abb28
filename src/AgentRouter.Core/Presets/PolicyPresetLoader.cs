using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Configuration;
using AgentRouter.Core.IO;
using AgentRouter.Core.Json;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Presets;

/// <summary>Loads and validates policy presets. A preset is valid when its policy exists and the policy's
/// parameter reader (<see cref="PolicyCatalog.ReadParameters"/>) accepts its parameters, so every parameter error
/// surfaces at load time, naming the file and field; the typed parameters are kept, so no policy built from the preset
/// reads them again.</summary>
public static class PolicyPresetLoader
{
    /// <summary>The policy preset folder: AGENTROUTER_POLICIES when set, else <c>policies</c> in the current directory when
    /// it exists (a checkout, or a deployment's own presets), else the presets shipped beside the program
    /// (<c>policies/</c> in its output folder). <paramref name="start"/> replaces the current directory;
    /// <paramref name="settings"/> replaces the process environment's.</summary>
    public static string DefaultDirectory(string? start = null, AgentRouterSettings? settings = null)
    {
        var configured = (settings ?? AgentRouterSettings.FromEnvironment()).Policies;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var local = Path.Combine(Path.GetFullPath(start ?? Directory.GetCurrentDirectory()), "policies");
        if (Directory.Exists(local))
        {
            return local;
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, "policies");
        return Directory.Exists(shipped) ? shipped : local;
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

        try
        {
            ParameterReader.CostWeightOverride(policy, new PolicySettings(CostWeight: costWeight));
            return new PolicyPreset(policy, seed, costWeight, parameters, source, PolicyCatalog.ReadParameters(policy, parameters));
        }
        catch (ArgumentException e)
        {
            var field = e.ParamName is null or "costWeight" ? e.ParamName : "parameters." + e.ParamName;
            throw new PolicyPresetException(source, field, e.Message, e);
        }
    }
}
