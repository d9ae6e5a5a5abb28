using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.KvSharing;

namespace AgentRouter.Inference.Chat;

/// <summary>
/// Generates one chat answer for a templated prompt, on the host's private cache or through the shared KV pool, decoding
/// text as it is produced (<see cref="ChatTextStream"/>: stop strings end it, each released piece goes to the caller).
/// Chat agents and <c>agentrouter model chat</c> both answer through here, so their greedy outputs agree.
/// </summary>
public static class ChatRunner
{
    /// <param name="sharedKv">The shared pool view of the same host, or null for a private cache per request.</param>
    /// <param name="onText">Receives the answer's text piece by piece (on the torch thread), for streaming.</param>
    public static async Task<ChatCompletion> CompleteAsync(ChatCheckpoint chat, ModelHost host, SharedKvModel? sharedKv, ChatPrompt prompt,
        GenerationOptions options, IReadOnlyList<string>? stopStrings, Action<string>? onText, CancellationToken cancellationToken,
        LoraAdapter? adapter = null)
    {
        ArgumentNullException.ThrowIfNull(chat);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        var stream = new ChatTextStream(chat.Tokenizer, stopStrings, onText);
        options = options with { StopWhen = token => stream.Append(token.TokenId) };
        IReadOnlyList<int> generated;
        var reused = 0;
        if (sharedKv is not null)
        {
            var result = await sharedKv.GenerateAsync(prompt.Ids, options, null, cancellationToken).ConfigureAwait(false);
            (generated, reused) = (result.GeneratedIds, result.ReusedTokens);
        }
        else
        {
            generated = (await host.GenerateAsync([prompt.Ids], options, null, cancellationToken, adapter).ConfigureAwait(false))[0].GeneratedIds;
        }
        var text = stream.Finish();
        var endedByStop = stream.Stopped || (generated.Count > 0 && options.StopTokenIds!.Contains(generated[^1]));
        return new ChatCompletion(text, prompt.Ids.Count, generated.Count, endedByStop ? ChatFinishReason.Stop : ChatFinishReason.Length, reused);
    }
}
