namespace AgentRouter.Server.OpenAi;

public sealed record ChatMessageInput(string Role, string Content);

/// <summary>A validated <c>POST /v1/chat/completions</c> body. Fields OpenAI defines but routing ignores
/// (temperature, top_p, ...) are type-checked where they matter and otherwise accepted, as OpenAI does.</summary>
/// <param name="Extension">The <c>agentrouter</c> object: routing knobs beyond OpenAI's schema.</param>
public sealed record ChatRequest(
    string Model,
    IReadOnlyList<ChatMessageInput> Messages,
    bool Stream,
    bool IncludeUsageInStream,
    int? MaxTokens,
    RoutingExtension Extension);

/// <param name="Deadline">Whole-query deadline, capped by the server.</param>
public sealed record RoutingExtension(
    string? TaskType = null,
    IReadOnlyList<string>? Options = null,
    int? PanelSize = null,
    string? Merge = null,
    TimeSpan? Deadline = null);
