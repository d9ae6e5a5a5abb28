namespace AgentRouter.Core.Domain;

/// <summary>One message of a chat conversation as the caller sent it.</summary>
public sealed record ChatTurn(string Role, string Content);

/// <summary>How the caller asked the answer to be sampled (OpenAI's request fields); null fields leave the agent's default.</summary>
/// <param name="Temperature">0 means greedy decoding.</param>
/// <param name="Stop">Strings that end the answer (not included in it).</param>
public sealed record SamplingRequest(
    double? Temperature = null,
    double? TopP = null,
    int? MaxTokens = null,
    IReadOnlyList<string>? Stop = null,
    int? Seed = null);

/// <summary>The chat form of a query: the conversation itself and the sampling request. Agents that apply a chat
/// template (local chat checkpoints) use it; every other agent reads <see cref="Query.Text"/>, its flattened form.</summary>
public sealed record ChatContent(IReadOnlyList<ChatTurn> Messages, SamplingRequest? Sampling = null);

/// <summary>Tokens an agent read and wrote for one answer, counted by its own tokenizer.</summary>
public sealed record TokenUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
