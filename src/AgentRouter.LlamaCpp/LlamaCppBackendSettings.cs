using AgentRouter.Core.Agents;

namespace AgentRouter.LlamaCpp;

/// <summary>The <c>settings</c> of a <c>"backend": "llamacpp"</c> manifest.</summary>
/// <param name="ModelPath">The GGUF file, resolved against the manifest's folder.</param>
/// <param name="ContextSize">Tokens of context (prompt + answer) the agent keeps.</param>
/// <param name="Threads">CPU threads llama.cpp uses for this agent.</param>
/// <param name="MaxTokens">The most tokens one answer may have (a request's <c>max_tokens</c> may ask for fewer).</param>
/// <param name="Temperature">0 for greedy decoding; otherwise the sampling temperature (with <paramref name="TopP"/>);
/// a request's own temperature and top_p win.</param>
/// <param name="SystemPrompt">A system message put before the query, unless the conversation brings its own; or null.</param>
/// <param name="Seed">The sampling seed when the request gives none, so that sampled answers are reproducible.</param>
public sealed record LlamaCppBackendSettings(string ModelPath, int ContextSize, int Threads, int MaxTokens, double Temperature, double TopP,
    string? SystemPrompt, int Seed = 0)
{
    public static LlamaCppBackendSettings? FromManifest(AgentManifest manifest, List<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(errors);
        var settings = AgentManifestLoader.Settings(manifest, errors);
        var before = settings.ProblemCount;
        var modelPath = settings.String("modelPath", required: true);
        var contextSize = settings.Int("contextSize", 2048, 16, 131072);
        var threads = settings.Int("threads", 1, 1, 256);
        var maxTokens = settings.Int("maxTokens", 256, 1, 131072);
        var temperature = settings.Double("temperature", 0, 0, 10);
        var topP = settings.Double("topP", 1, 0, 1, minExclusive: true);
        var systemPrompt = settings.String("systemPrompt");
        if (systemPrompt is { Length: > 100_000 })
        {
            settings.Fail("systemPrompt", $"is {systemPrompt.Length:N0} characters; at most 100,000 are accepted");
        }
        var seed = settings.Int("seed", 0, 0);
        if (maxTokens >= contextSize)
        {
            settings.Fail("maxTokens", $"{maxTokens} leaves no room for a prompt in a context of {contextSize}");
        }
        settings.RejectUnknownFields("llamacpp-backend setting");
        return settings.ProblemCount > before || modelPath is null
            ? null
            : new LlamaCppBackendSettings(manifest.ResolvePath(modelPath), contextSize, threads, maxTokens, temperature, topP,
                systemPrompt, seed);
    }
}
