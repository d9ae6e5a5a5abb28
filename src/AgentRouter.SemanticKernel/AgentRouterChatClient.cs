using System.Runtime.CompilerServices;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using Microsoft.Extensions.AI;

namespace AgentRouter.SemanticKernel;

/// <summary>An in-process <see cref="IChatClient"/> over the orchestrator: no HTTP, the conversation becomes a
/// routed query. <see cref="ChatOptions.ModelId"/> names the router (null: this client's default router).
/// The full outcome (decision, analyses, merge) is in the response's
/// <see cref="ChatResponse.AdditionalProperties"/> under <see cref="OutcomeKey"/>.</summary>
/// <remarks>Options read from <see cref="ChatOptions.AdditionalProperties"/>: <c>panel_size</c> (int),
/// <c>merge</c> (string), <c>task_type</c> (string), <c>options</c> (answer options, string list).</remarks>
public sealed class AgentRouterChatClient(IAgentRouter router, string? defaultRouter = null) : IChatClient
{
    public const string OutcomeKey = "agentrouter";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (query, ask) = Prepare(messages, options);
        var answered = await router.AskAsync(query, ask, cancellationToken).ConfigureAwait(false);
        var text = answered.Answer.Text;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text) { MessageId = answered.QueryId })
        {
            ResponseId = answered.QueryId,
            ModelId = answered.Router,
            FinishReason = ChatFinishReason.Stop,
            CreatedAt = DateTimeOffset.UtcNow,
            Usage = Usage(query.Text, text),
            AdditionalProperties = new AdditionalPropertiesDictionary { [OutcomeKey] = answered },
        };
    }

    /// <summary>Streams the agents' tokens when the panel is one agent; a larger panel's answer exists only
    /// after the merge, so it arrives as one update at the end. The last update carries the outcome.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (query, ask) = Prepare(messages, options);
        var streamedTokens = false;
        var single = false;
        await foreach (var item in router.StreamAsync(query, ask, cancellationToken).ConfigureAwait(false))
        {
            switch (item)
            {
                case RouterEvent.Decided decided:
                    single = decided.Decision.Panel.Count == 1;
                    break;
                case RouterEvent.Token token when single:
                    streamedTokens = true;
                    yield return new ChatResponseUpdate(ChatRole.Assistant, token.Text) { ResponseId = query.Id, MessageId = query.Id };
                    break;
                case RouterEvent.Finished { Outcome: QueryAnswered answered }:
                    yield return new ChatResponseUpdate(ChatRole.Assistant, streamedTokens ? null : answered.Answer.Text)
                    {
                        ResponseId = query.Id,
                        MessageId = query.Id,
                        ModelId = answered.Router,
                        FinishReason = ChatFinishReason.Stop,
                        Contents = streamedTokens
                            ? [new UsageContent(Usage(query.Text, answered.Answer.Text))]
                            : [new TextContent(answered.Answer.Text), new UsageContent(Usage(query.Text, answered.Answer.Text))],
                        AdditionalProperties = new AdditionalPropertiesDictionary { [OutcomeKey] = answered },
                    };
                    break;
                case RouterEvent.Finished { Outcome: QueryFailed failed }:
                    throw new QueryFailedException(failed);
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata("agentrouter", null, defaultRouter);
        }

        return serviceType.IsInstanceOfType(this) ? this : serviceType.IsInstanceOfType(router) ? router : null;
    }

    public void Dispose()
    {
        // The router belongs to the host that created it.
    }

    private (AgentRouter.Core.Domain.Query Query, AskOptions Ask) Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var extra = options?.AdditionalProperties;
        var query = ChatQueries.FromChat(ChatQueries.NewQueryId(), messages, Read<string>(extra, "task_type"), ReadOptions(extra));
        var ask = new AskOptions(
            Router: options?.ModelId ?? defaultRouter,
            PanelSize: extra is not null && extra.TryGetValue("panel_size", out int panel) ? panel : null,
            MergeStrategy: Read<string>(extra, "merge"));
        return (query, ask);
    }

    private static T? Read<T>(AdditionalPropertiesDictionary? extra, string key) where T : class =>
        extra is not null && extra.TryGetValue(key, out T? value) ? value : null;

    private static IReadOnlyList<string>? ReadOptions(AdditionalPropertiesDictionary? extra) =>
        extra is not null && extra.TryGetValue("options", out IEnumerable<string>? values) ? values.ToList() : null;

    private static UsageDetails Usage(string prompt, string answer)
    {
        var input = ChatQueries.EstimateTokens(prompt);
        var output = ChatQueries.EstimateTokens(answer);
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }
}
