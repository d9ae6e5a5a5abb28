using AgentRouter.Core.Backends;
using System.Diagnostics;
using System.Text;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using Microsoft.Extensions.AI;

namespace AgentRouter.SemanticKernel.Remote;

/// <summary>A model agent served by any <see cref="IChatClient"/> (an OpenAI-compatible endpoint in
/// practice). Each attempt has its own deadline; transient errors (connection failures, timeouts, 408, 429,
/// 5xx) are retried with exponential backoff and jitter before any token was streamed. A request that still
/// fails is a faulted task, so the router records the agent as failed (its stability and quality signals
/// drop) and may retry the query on the next-ranked agent.</summary>
public sealed class RemoteChatBackend(IChatClient client, RemoteAgentSettings settings, TimeProvider? time = null) : IModelBackend
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public int Capacity => settings.Capacity;

    /// <summary>Attempts made so far, retries included (for tests and metrics).</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    private long _attempts;

    public ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken) =>
        new(RunAsync(agent, query, onToken, cancellationToken));

    private async Task<AgentAnalysis> RunAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var messages = new List<ChatMessage> { new(ChatRole.User, query.Text) };
        var options = new ChatOptions { ModelId = settings.Model, MaxOutputTokens = settings.MaxOutputTokens };
        for (var attempt = 0; ; attempt++)
        {
            Interlocked.Increment(ref _attempts);
            var streamed = false;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.Deadline);
            try
            {
                ChatResponse response;
                if (onToken is null)
                {
                    response = await client.GetResponseAsync(messages, options, deadline.Token).ConfigureAwait(false);
                }
                else
                {
                    var updates = new List<ChatResponseUpdate>();
                    await foreach (var update in client.GetStreamingResponseAsync(messages, options, deadline.Token).ConfigureAwait(false))
                    {
                        updates.Add(update);
                        if (!string.IsNullOrEmpty(update.Text))
                        {
                            streamed = true;
                            onToken(update.Text);
                        }
                    }

                    response = updates.ToChatResponse();
                }

                return ToAnalysis(agent, query, response, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && !streamed && attempt < settings.MaxRetries && IsTransient(e, deadline.IsCancellationRequested))
            {
                await Task.Delay(Backoff(attempt), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"remote agent '{agent}' ({settings.Endpoint}, model '{settings.Model}') did not answer within {settings.Deadline.TotalMilliseconds:0} ms (attempt {attempt + 1})");
            }
        }
    }

    /// <summary>Exponential backoff with up to 50% jitter, so that many agents do not retry in lockstep.</summary>
    private TimeSpan Backoff(int attempt) =>
        settings.RetryBaseDelay * Math.Pow(2, attempt) * (1 + Random.Shared.NextDouble() * 0.5);

    /// <summary>Transient: the connection failed, the attempt timed out, or the server said 408/429/5xx.</summary>
    public static bool IsTransient(Exception exception, bool attemptTimedOut)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OperationCanceledException => attemptTimedOut,
            HttpRequestException { StatusCode: null } => true,
            HttpRequestException { StatusCode: { } code } => IsTransientStatus((int)code),
            System.ClientModel.ClientResultException { Status: 0 } => true,
            System.ClientModel.ClientResultException result => IsTransientStatus(result.Status),
            TimeoutException => true,
            IOException => true,
            _ => exception.InnerException is { } inner && IsTransient(inner, attemptTimedOut),
        };
    }

    private static bool IsTransientStatus(int status) => status is 408 or 429 or >= 500;

    private AgentAnalysis ToAnalysis(string agent, Query query, ChatResponse response, double latencyMs)
    {
        var text = response.Text;
        var input = (int?)response.Usage?.InputTokenCount ?? ChatQueries.EstimateTokens(query.Text);
        var output = (int?)response.Usage?.OutputTokenCount ?? ChatQueries.EstimateTokens(text);
        var choice = ExtractChoice(text, query.Options);
        return new AgentAnalysis(agent, text, choice, LatencyMs: latencyMs, Cost: settings.Cost.Estimate(input, output));
    }

    /// <summary>The answer's option: the text itself when it is one, else the only option letter standing alone
    /// in it (ambiguous or absent means abstain — never a guess).</summary>
    public static string? ExtractChoice(string text, IReadOnlyList<string>? options)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= ["A", "B", "C", "D"];
        var trimmed = text.Trim().TrimEnd('.', ')');
        foreach (var option in options)
        {
            if (string.Equals(trimmed, option, StringComparison.OrdinalIgnoreCase))
            {
                return option;
            }
        }

        string? found = null;
        var word = new StringBuilder();
        foreach (var c in text + " ")
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            if (word.Length > 0)
            {
                var candidate = word.ToString();
                word.Clear();
                if (options.Contains(candidate, StringComparer.Ordinal))
                {
                    if (found is not null && found != candidate)
                    {
                        return null;
                    }

                    found = candidate;
                }
            }
        }

        return found;
    }
}
