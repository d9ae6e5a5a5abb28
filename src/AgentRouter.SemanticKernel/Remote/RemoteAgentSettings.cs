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
    /// <summary>Reads and checks the settings; errors name the manifest file and field. A named key variable
    /// that is unset is an error at start-up, not a 401 at the first query.</summary>
    public static RemoteAgentSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(errors);
        environment ??= Environment.GetEnvironmentVariable;
        var settings = AgentManifestLoader.Settings(manifest, errors);
        Uri? endpoint = null;
        if (settings.String("endpoint", required: true) is { } endpointText)
        {
            if (Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps))
            {
                endpoint = parsed;
            }
            else
            {
                settings.Fail("endpoint", $"'{endpointText}' is not an absolute http(s) URL");
            }
        }

        var model = settings.String("model", required: true);
        var keyVariable = settings.String("apiKeyEnv");
        if (keyVariable is not null && string.IsNullOrEmpty(environment(keyVariable)))
        {
            settings.Fail("apiKeyEnv", $"environment variable '{keyVariable}' (the API key of agent '{manifest.Name}') is not set");
        }

        var deadlineMs = settings.Int("deadlineMs", (int)Math.Min(manifest.ExpectedLatencyMs * 10, 3_600_000), 1, 3_600_000);
        var maxRetries = settings.Int("maxRetries", 2, 0, 10);
        var retryDelayMs = settings.Int("retryBaseDelayMs", 200, 0, 60_000);
        int? maxOutput = settings.Has("maxOutputTokens") ? settings.Int("maxOutputTokens", 0, 1, 1_000_000) : null;
        settings.RejectUnknownFields("remote-backend setting");
        if (settings.ProblemCount > 0 || endpoint is null || model is null)
        {
            return null;
        }

        return new RemoteAgentSettings(endpoint, model, keyVariable, TimeSpan.FromMilliseconds(deadlineMs), maxRetries,
            TimeSpan.FromMilliseconds(retryDelayMs), maxOutput, manifest.Cost, manifest.Capacity);
    }
}
