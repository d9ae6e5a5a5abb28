using AgentRouter.Core.Domain;

namespace AgentRouter.Server.OpenAi;

public sealed record ChatMessageInput(string Role, string Content);

/// <summary>A validated <c>POST /v1/chat/completions</c> body. Fields OpenAI defines but routing ignores
/// (temperature, top_p, ...) are type-checked where they matter and otherwise accepted, as OpenAI does.</summary>
/// <param name="Extension">The <c>agentrouter</c> object: routing knobs beyond OpenAI's schema.</param>
/// <param name="Sampling">temperature, top_p, max_tokens, stop and seed as sent; agents that generate text (local chat
/// checkpoints) follow them.</param>
public sealed record ChatRequest(
    string Model,
    IReadOnlyList<ChatMessageInput> Messages,
    bool Stream,
    bool IncludeUsageInStream,
    int? MaxTokens,
    RoutingExtension Extension,
    SamplingRequest? Sampling = null);

/// <param name="Deadline">Whole-query deadline, capped by the server.</param>
public sealed record RoutingExtension(
    string? TaskType = null,
    IReadOnlyList<string>? Options = null,
    int? PanelSize = null,
    string? Merge = null,
    TimeSpan? Deadline = null);
