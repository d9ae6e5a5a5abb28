using System.Text.Json.Nodes;
using AgentRouter.Core.Agents;

namespace AgentRouter.LlamaCpp;

/// <summary>The <c>settings</c> of a <c>"backend": "llamacpp"</c> manifest.</summary>
/// <param name="ModelPath">The GGUF file, resolved against the manifest's folder.</param>
/// <param name="ContextSize">Tokens of context (prompt + answer) the agent keeps.</param>
/// <param name="Threads">CPU threads llama.cpp uses for this agent.</param>
/// <param name="MaxTokens">The most tokens one answer may have.</param>
/// <param name="Temperature">0 for greedy decoding; otherwise the sampling temperature (with <paramref name="TopP"/>).</param>
/// <param name="SystemPrompt">A system message put before the query, or null.</param>
public sealed record LlamaCppBackendSettings(string ModelPath, int ContextSize, int Threads, int MaxTokens, double Temperature, double TopP, string? SystemPrompt)
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "modelPath", "contextSize", "threads", "maxTokens", "temperature", "topP", "systemPrompt" };

    public static LlamaCppBackendSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(errors);
        var file = manifest.SourceFile ?? manifest.Name;
        var before = errors.Count;
        foreach (var (key, _) in manifest.Settings)
        {
            if (!Known.Contains(key))
            {
                errors.Add(new ManifestError(file, $"settings.{key}", $"unknown llamacpp-backend setting (known: {string.Join(", ", Known.Order())})"));
            }
        }
        var manifestDirectory = manifest.SourceFile is { } source ? Path.GetDirectoryName(Path.GetFullPath(source))! : Environment.CurrentDirectory;
        string? modelPath = null;
        if (manifest.Settings["modelPath"] is JsonValue pathValue && pathValue.TryGetValue<string>(out var path) && path.Length > 0)
        {
            modelPath = Path.GetFullPath(Path.Combine(manifestDirectory, path));
        }
        else
        {
            errors.Add(new ManifestError(file, "settings.modelPath", "required: the GGUF model file, relative to the manifest"));
        }
        var contextSize = Integer(manifest, errors, file, "contextSize", 2048, 16, 131072);
        var threads = Integer(manifest, errors, file, "threads", 1, 1, 256);
        var maxTokens = Integer(manifest, errors, file, "maxTokens", 256, 1, 131072);
        var temperature = Number(manifest, errors, file, "temperature", 0, 0, 10);
        var topP = Number(manifest, errors, file, "topP", 1, double.Epsilon, 1);
        string? systemPrompt = null;
        if (manifest.Settings["systemPrompt"] is { } systemNode)
        {
            if (systemNode is JsonValue systemValue && systemValue.TryGetValue<string>(out var system) && system.Length <= 100_000)
            {
                systemPrompt = system;
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.systemPrompt", "must be a string of at most 100,000 characters"));
            }
        }
        if (maxTokens >= contextSize)
        {
            errors.Add(new ManifestError(file, "settings.maxTokens", $"{maxTokens} leaves no room for a prompt in a context of {contextSize}"));
        }
        return errors.Count > before ? null : new LlamaCppBackendSettings(modelPath!, contextSize, threads, maxTokens, temperature, topP, systemPrompt);
    }

    private static int Integer(AgentManifest manifest, List<ManifestError> errors, string file, string key, int fallback, int minimum, int maximum)
    {
        if (manifest.Settings[key] is not { } node)
        {
            return fallback;
        }
        if (node is JsonValue value && value.TryGetValue<int>(out var number) && number >= minimum && number <= maximum)
        {
            return number;
        }
        errors.Add(new ManifestError(file, $"settings.{key}", $"must be an integer in [{minimum}, {maximum}]"));
        return fallback;
    }

    private static double Number(AgentManifest manifest, List<ManifestError> errors, string file, string key, double fallback, double minimum, double maximum)
    {
        if (manifest.Settings[key] is not { } node)
        {
            return fallback;
        }
        if (node is JsonValue value && value.TryGetValue<double>(out var number) && double.IsFinite(number) && number >= minimum && number <= maximum)
        {
            return number;
        }
        errors.Add(new ManifestError(file, $"settings.{key}", $"must be a number in [{minimum}, {maximum}]"));
        return fallback;
    }
}
