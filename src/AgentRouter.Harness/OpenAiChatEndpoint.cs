using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Core.Harness;

namespace AgentRouter.Harness;

/// <summary>Calls one OpenAI-compatible <c>/chat/completions</c> endpoint (vLLM, llama.cpp server, Ollama, a hosted
/// API, another AgentRouter server) for the harness. Streams by default, to measure the time to the first
/// content token; reads <c>usage</c> and a reported cost (AgentRouter's <c>agentrouter.cost</c>, or
/// <c>usage.cost</c>) when present. Retries transient failures by <see cref="RetryPolicy"/> (honouring
/// <c>Retry-After</c>) as long as no content has arrived; waits go through the injected <see cref="TimeProvider"/>.</summary>
public sealed class OpenAiChatEndpoint(HttpClient http, Uri baseAddress, string? apiKey, RetryPolicy retry, bool stream = true, int? maxTokens = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Uri _completions = new(EnsureSlash(baseAddress), "chat/completions");
    private readonly Uri _models = new(EnsureSlash(baseAddress), "models");

    /// <summary>The endpoint's API root (ending in <c>/v1/</c> for most servers).</summary>
    public Uri BaseAddress { get; } = EnsureSlash(baseAddress);

    /// <summary>Every model id <c>GET /models</c> lists; for an AgentRouter server only its agents (not its routers).</summary>
    public async Task<IReadOnlyList<string>> ListModelsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _models);
        Authorize(request);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new EndpointCallException($"GET {_models} answered {(int)response.StatusCode}: {Shorten(body)}", 1, (int)response.StatusCode);
        }

        var data = JsonNode.Parse(body)?["data"] as JsonArray ?? throw new EndpointCallException($"GET {_models}: no 'data' array in {Shorten(body)}", 1, null);
        return data.OfType<JsonObject>()
            .Where(m => m["agentrouter"]?["kind"]?.GetValue<string>() is null or "agent")
            .Select(m => m["id"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
    }

    public async Task<EndpointReply> CompleteAsync(string model, HarnessItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var payload = RequestBody(model, item);
        var random = new Random(HashCode.Combine(item.Id, model));
        for (var attempt = 0; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(retry.Timeout);
            RetryConditionHeaderValue? retryAfter = null;
            string failure;
            int? status = null;
            var contentArrived = false;
            Exception? inner = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _completions) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                Authorize(request);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var parsed = stream && response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                        ? await ReadStreamAsync(response, started, () => contentArrived = true, deadline.Token).ConfigureAwait(false)
                        : ReadJson(await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false), started);
                    if (parsed.Error is null)
                    {
                        return parsed.Reply with { Attempts = attempt + 1 };
                    }

                    failure = parsed.Error;
                }
                else
                {
                    status = (int)response.StatusCode;
                    retryAfter = response.Headers.RetryAfter;
                    var body = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
                    failure = $"HTTP {status}: {Shorten(body)}";
                    if (!RetryPolicy.IsTransientStatus(response.StatusCode))
                    {
                        throw new EndpointCallException($"{model}: {failure}", attempt + 1, status);
                    }
                }
            }
            catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer within {retry.Timeout.TotalSeconds:0.#} s";
                inner = error;
            }
            catch (HttpRequestException error)
            {
                failure = $"connection failed: {error.Message}";
                inner = error;
            }
            catch (Exception error) when (error is IOException or JsonException)
            {
                failure = $"bad or cut response: {error.Message}";
                inner = error;
            }

            if (contentArrived || attempt >= retry.MaxRetries)
            {
                var why = contentArrived ? "failed after content had arrived" : $"still failing after {attempt + 1} attempts";
                throw new EndpointCallException($"{model}: {failure} ({why})", attempt + 1, status, inner);
            }

            await Task.Delay(retry.Delay(attempt, retryAfter, _time.GetUtcNow(), random), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private string RequestBody(string model, HarnessItem item)
    {
        var messages = item.Messages is { } conversation
            ? new JsonArray([.. conversation.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })])
            : new JsonArray(new JsonObject { ["role"] = "user", ["content"] = item.Prompt });
        var body = new JsonObject { ["model"] = model, ["messages"] = messages, ["temperature"] = 0 };
        if (maxTokens is { } max)
        {
            body["max_tokens"] = max;
        }

        if (stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return body.ToJsonString();
    }

    private void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    private static (EndpointReply Reply, string? Error) ReadJson(string body, long started)
    {
        var root = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("the response is not a JSON object");
        if (root["error"] is JsonObject error)
        {
            return (Empty, $"error in response: {error["message"]}");
        }

        var content = FirstChoice(root)?["message"]?["content"]?.GetValue<string>() ?? string.Empty;
        return (Reply(content, root["usage"] as JsonObject, root["agentrouter"] as JsonObject, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null), null);
    }

    /// <summary>Reads an SSE stream of chat chunks: content deltas, a usage chunk, AgentRouter's events.</summary>
    private static async Task<(EndpointReply Reply, string? Error)> ReadStreamAsync(HttpResponseMessage response, long started, Action onContent, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(body, Encoding.UTF8);
        var content = new StringBuilder();
        double? ttft = null;
        JsonObject? usage = null;
        JsonObject? outcome = null;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line.AsSpan(5).Trim();
            if (data.SequenceEqual("[DONE]"))
            {
                return (Reply(content.ToString(), usage, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ttft), null);
            }

            var chunk = JsonNode.Parse(data.ToString()) as JsonObject ?? throw new JsonException("an SSE event is not a JSON object");
            if (chunk["error"] is JsonObject error)
            {
                return (Empty, $"error event: {error["message"]}");
            }

            if (FirstChoice(chunk)?["delta"]?["content"]?.GetValue<string>() is { Length: > 0 } piece)
            {
                ttft ??= Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                onContent();
                content.Append(piece);
            }

            if (chunk["usage"] is JsonObject chunkUsage)
            {
                usage = chunkUsage;
            }

            if (chunk["agentrouter"] is JsonObject extension && extension["event"]?.GetValue<string>() == "finished")
            {
                outcome = extension;
            }
        }

        // Servers that close the stream without [DONE] (some do) still gave a complete answer.
        return (Reply(content.ToString(), usage, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ttft), null);
    }

    /// <summary>The first entry of <c>choices</c>; null when absent or empty (a usage-only chunk has <c>"choices": []</c>).</summary>
    private static JsonNode? FirstChoice(JsonObject response) => response["choices"] is JsonArray { Count: > 0 } choices ? choices[0] : null;

    private static EndpointReply Empty => new(string.Empty, null, null, null, 0, null, 0);

    private static EndpointReply Reply(string content, JsonObject? usage, JsonObject? agentRouter, double latencyMs, double? ttftMs)
    {
        int? Tokens(string name) => usage?[name] is JsonValue value && value.TryGetValue<int>(out var n) ? n : null;
        double? reported = agentRouter?["cost"] is JsonValue cost && cost.TryGetValue<double>(out var c) ? c
            : usage?["cost"] is JsonValue usageCost && usageCost.TryGetValue<double>(out var u) ? u : null;
        var members = (agentRouter?["analyses"] as JsonArray)?.OfType<JsonObject>()
            .Select(a => (
                Agent: a["agent"]?.GetValue<string>() ?? "?",
                Text: a["text"]?.GetValue<string>() ?? string.Empty,
                Cost: a["cost"] is JsonValue v && v.TryGetValue<double>(out var x) ? x : 0,
                LatencyMs: a["latency_ms"] is JsonValue l && l.TryGetValue<double>(out var y) ? y : 0,
                Succeeded: a["status"]?.GetValue<string>() == "succeeded"))
            .ToList();
        var panel = (agentRouter?["panel"] as JsonArray)?.Select(p => p?.GetValue<string>()).OfType<string>().ToList();

        // An AgentRouter server answers a multiple-choice query with the merged letter; one agent's own words are its analysis.
        var text = members is [{ Succeeded: true } only] ? only.Text : content;
        return new EndpointReply(text, Tokens("prompt_tokens"), Tokens("completion_tokens"), reported, latencyMs, ttftMs, 1, panel, members);
    }

    private static Uri EnsureSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
