using System.Globalization;
using System.Text.Json.Nodes;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;

namespace AgentRouter.SemanticKernel.Remote;

/// <summary>A remote OpenAI-compatible model agent (Ollama, vLLM, LM Studio, OpenAI, another AgentRouter
/// server), as declared in the <c>settings</c> of a manifest with <c>"backend": "remote"</c>:
/// <c>endpoint</c> (required, absolute http(s) URL of the API root, e.g. <c>http://127.0.0.1:11434/v1</c>),
/// <c>model</c> (required), <c>apiKeyEnv</c> (name of the environment variable holding the key; omit for none),
/// <c>deadlineMs</c> (per attempt, default the manifest's expectedLatencyMs × 10), <c>maxRetries</c> (default 2),
/// <c>retryBaseDelayMs</c> (default 200; doubled per retry, with jitter), <c>maxOutputTokens</c> (optional).
/// Prices come from the manifest's <c>cost.perInputToken</c> / <c>cost.perOutputToken</c>.</summary>
public sealed record RemoteAgentSettings(
    Uri Endpoint,
    string Model,
    string? ApiKeyEnvironmentVariable,
    TimeSpan Deadline,
    int MaxRetries,
    TimeSpan RetryBaseDelay,
    int? MaxOutputTokens,
    CostModel Cost,
    int Capacity)
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "endpoint", "model", "apiKeyEnv", "deadlineMs", "maxRetries", "retryBaseDelayMs", "maxOutputTokens",
    };

    /// <summary>Reads and checks the settings; errors name the manifest file and field. A named key variable
    /// that is unset is an error at start-up, not a 401 at the first query.</summary>
    public static RemoteAgentSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(errors);
        environment ??= Environment.GetEnvironmentVariable;
        var file = manifest.SourceFile ?? manifest.Name;
        var s = manifest.Settings;
        var before = errors.Count;
        foreach (var (key, _) in s)
        {
            if (!Known.Contains(key))
            {
                errors.Add(new ManifestError(file, $"settings.{key}", $"unknown remote-backend setting (known: {string.Join(", ", Known.Order())})"));
            }
        }

        string? Text(string field, bool required)
        {
            var node = s[field];
            if (node is null)
            {
                if (required)
                {
                    errors.Add(new ManifestError(file, $"settings.{field}", "is required for a remote agent"));
                }

                return null;
            }

            if (node is JsonValue v && v.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text))
            {
                return text;
            }

            errors.Add(new ManifestError(file, $"settings.{field}", "must be a non-empty string"));
            return null;
        }

        double Number(string field, double fallback, double min, double max)
        {
            if (s[field] is not { } node)
            {
                return fallback;
            }

            if (node is JsonValue v && v.TryGetValue<double>(out var x) && x >= min && x <= max && x == Math.Floor(x))
            {
                return x;
            }

            errors.Add(new ManifestError(file, $"settings.{field}",
                $"must be a whole number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]"));
            return fallback;
        }

        Uri? endpoint = null;
        if (Text("endpoint", required: true) is { } endpointText)
        {
            if (Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
            {
                endpoint = parsed;
            }
            else
            {
                errors.Add(new ManifestError(file, "settings.endpoint", $"'{endpointText}' is not an absolute http(s) URL"));
            }
        }

        var model = Text("model", required: true);
        var keyVariable = Text("apiKeyEnv", required: false);
        if (keyVariable is not null && string.IsNullOrEmpty(environment(keyVariable)))
        {
            errors.Add(new ManifestError(file, "settings.apiKeyEnv", $"environment variable '{keyVariable}' (the API key of agent '{manifest.Name}') is not set"));
        }

        var deadlineMs = Number("deadlineMs", Math.Min(manifest.ExpectedLatencyMs * 10, 3_600_000), 1, 3_600_000);
        var maxRetries = (int)Number("maxRetries", 2, 0, 10);
        var retryDelayMs = Number("retryBaseDelayMs", 200, 0, 60_000);
        var maxOutput = s["maxOutputTokens"] is null ? (int?)null : (int)Number("maxOutputTokens", 0, 1, 1_000_000);
        if (errors.Count > before || endpoint is null || model is null)
        {
            return null;
        }

        return new RemoteAgentSettings(endpoint, model, keyVariable, TimeSpan.FromMilliseconds(deadlineMs), maxRetries,
            TimeSpan.FromMilliseconds(retryDelayMs), maxOutput, manifest.Cost, manifest.Capacity);
    }
}
