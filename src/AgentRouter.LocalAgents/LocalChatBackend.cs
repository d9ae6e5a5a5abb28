using System.Diagnostics;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.KvSharing;

namespace AgentRouter.LocalAgents;

/// <summary>A model agent that chats: the request's conversation (or the query text as one user message, after the agent's
/// system prompt) goes through the checkpoint's chat template and exact tokenizer, is answered with the request's sampling
/// (temperature, top_p, max_tokens, stop, seed), and the generated ids are decoded by the same tokenizer, streamed piece by
/// piece while they come. The analysis reports the tokens read and written and the cost they imply; a multiple-choice query
/// gets the option its answer names. With a shared KV model, prompts that start alike (the system prompt, the template's
/// preamble) reuse the blocks any agent on the same weights already prefilled.</summary>
public sealed class LocalChatBackend(ModelHost host, ChatCheckpoint chat, LocalBackendSettings settings, CostModel cost, SharedKvModel? sharedKv = null)
    : IModelBackend
{
    private readonly ModelHost _host = host ?? throw new ArgumentNullException(nameof(host));
    private readonly ChatCheckpoint _chat = chat ?? throw new ArgumentNullException(nameof(chat));
    private readonly LocalBackendSettings _settings = settings ?? throw new ArgumentNullException(nameof(settings));
    private readonly CostModel _cost = cost ?? throw new ArgumentNullException(nameof(cost));

    public int Capacity => _settings.Capacity;

    public async ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var started = Stopwatch.GetTimestamp();
        var prompt = _chat.Render(Conversation(query));
        var sampling = query.Chat?.Sampling;
        var options = _chat.Options(prompt.Ids.Count, sampling, _settings.MaxNewTokens ?? ChatCheckpoint.DefaultMaxNewTokens);
        var answer = await ChatRunner.CompleteAsync(_chat, _host, sharedKv, prompt, options, sampling?.Stop, onToken, cancellationToken).ConfigureAwait(false);
        var choice = query.Options is { Count: > 0 } letters ? ChoiceExtractor.Extract(answer.Text, letters) : null;
        return new AgentAnalysis(agent, answer.Text, choice,
            LatencyMs: Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Cost: _cost.Estimate(answer.PromptTokens, answer.CompletionTokens),
            KvReuse: sharedKv is null ? null : new KvReuse(answer.PromptTokens, answer.ReusedPromptTokens),
            Usage: new TokenUsage(answer.PromptTokens, answer.CompletionTokens));
    }

    /// <summary>The request's messages, or the query text as one user message; the agent's system prompt goes first
    /// unless the conversation brings its own.</summary>
    private List<ChatTurn> Conversation(Query query)
    {
        var messages = query.Chat?.Messages is { Count: > 0 } given ? given.ToList() : [new ChatTurn("user", query.Text)];
        if (_settings.SystemPrompt is { } system && !messages.Any(turn => turn.Role is "system" or "developer"))
        {
            messages.Insert(0, new ChatTurn("system", system));
        }
        return messages;
    }
}
