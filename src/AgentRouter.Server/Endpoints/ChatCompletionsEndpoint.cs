using System.Text.Json;
using System.Text.Json.Nodes;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.SemanticKernel;
using AgentRouter.Server.Dashboard;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;
using AgentRouter.Server.Security;
using AgentRouter.Server.Telemetry;

namespace AgentRouter.Server.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>: OpenAI's chat schema, JSON or SSE streaming. The response
/// carries <c>usage</c> (estimated at four characters per token when agents report none) and the
/// <c>agentrouter</c> extension object.</summary>
internal sealed class ChatCompletionsEndpoint(ServerRuntime runtime, ServerOptions options, DashboardState dashboard, ServerMetrics metrics, StreamGate streams)
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task HandleAsync(HttpContext context)
    {
        using var body = await RequestBody.ReadJsonAsync(context.Request, options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        var request = ChatRequestParser.Parse(body.RootElement, options);
        var (query, ask, model) = ChatRouting.Prepare(request, runtime.Catalog, options);
        if (request.Stream)
        {
            await StreamAsync(context, request, query, ask).ConfigureAwait(false);
            return;
        }

        QueryAnswered answered;
        try
        {
            answered = await runtime.Router.AskAsync(query, ask, context.RequestAborted).ConfigureAwait(false);
        }
        catch (QueryFailedException e)
        {
            dashboard.RecordFailure();
            throw ChatRouting.ToError(e.Failure);
        }

        Record(query, answered);
        var completion = new Completion(query.Id, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model.Id, answered, CompletionWriter.UsageOf(query.Text, answered));
        await JsonResponse.WriteAsync(context.Response, completion, WriteCompletion, context.RequestAborted).ConfigureAwait(false);
    }

    private readonly record struct Completion(string Id, long Created, string Model, QueryAnswered Answered, CompletionWriter.Usage Usage);

    private static readonly JsonResponse.Body<Completion> WriteCompletion =
        static (writer, in completion) => CompletionWriter.WriteCompletion(writer, completion.Id, completion.Created, completion.Model, completion.Answered, completion.Usage);

    /// <summary>SSE in OpenAI's chunk format. A single-agent panel streams its tokens as they come; a larger
    /// panel's answer exists only after the merge and arrives as one content chunk. Progress (the decision,
    /// each analysis) rides in <c>agentrouter</c> fields of content-less chunks. The decision's chunk (and failed analyses) are
    /// held until a token, a succeeded analysis or the end, so that a query that fails before any agent produced anything
    /// (every agent refused it: a prompt longer than the context) still gets a plain error response with its status;
    /// later failures are an error event.</summary>
    private async Task StreamAsync(HttpContext context, ChatRequest request, Query query, AskOptions ask)
    {
        using var lease = streams.Enter(context.Connection.RemoteIpAddress);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var started = false;
        var single = false;
        var streamedText = false;
        var held = new List<RouterEvent>();
        await using var events = runtime.Router.StreamAsync(query, ask, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        while (await events.MoveNextAsync().ConfigureAwait(false))
        {
            if (!started)
            {
                var first = events.Current;
                if (first is RouterEvent.Finished { Outcome: QueryFailed early })
                {
                    dashboard.RecordFailure();
                    throw ChatRouting.ToError(early);
                }

                // Nothing is sent while only the decision and failed analyses are known: they may still end as a rejection.
                held.Add(first);
                if (first is RouterEvent.Decided or RouterEvent.AgentAnswered { Analysis.Status: not OutcomeStatus.Succeeded })
                {
                    continue;
                }

                started = true;
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache";
            }

            foreach (var item in held.Count > 0 ? held.ToArray() : [events.Current])
            {
                held.Clear();
                await SendAsync(item).ConfigureAwait(false);
            }
        }

        async Task SendAsync(RouterEvent item)
        {
            switch (item)
            {
                case RouterEvent.Decided decided:
                    single = decided.Decision.Panel.Count == 1;
                    await WriteDecisionAsync(context, request, query, created, decided).ConfigureAwait(false);
                    break;
                case RouterEvent.Token token when single:
                    streamedText = true;
                    await WriteChunkAsync(context, query, request.Model, created, new JsonObject { ["content"] = token.Text }, null, null).ConfigureAwait(false);
                    break;
                case RouterEvent.AgentAnswered analysis:
                    await WriteChunkAsync(context, query, request.Model, created, new JsonObject(), null,
                        new JsonObject { ["event"] = "analysis", ["analysis"] = OutcomeJson.Analysis(analysis.Analysis) }).ConfigureAwait(false);
                    break;
                case RouterEvent.Finished { Outcome: QueryAnswered answered }:
                    Record(query, answered);
                    if (!streamedText)
                    {
                        await WriteChunkAsync(context, query, request.Model, created, new JsonObject { ["content"] = answered.Answer.Text }, null, null).ConfigureAwait(false);
                    }

                    var outcome = OutcomeJson.Answered(answered);
                    outcome["event"] = "finished";
                    await WriteChunkAsync(context, query, request.Model, created, new JsonObject(), "stop", outcome).ConfigureAwait(false);
                    if (request.IncludeUsageInStream)
                    {
                        var usageChunk = Chunk(query, request.Model, created);
                        usageChunk["choices"] = new JsonArray();
                        usageChunk["usage"] = Usage(query.Text, answered);
                        await WriteEventAsync(context, usageChunk).ConfigureAwait(false);
                    }

                    await context.Response.Body.WriteAsync(Done, context.RequestAborted).ConfigureAwait(false);
                    break;
                case RouterEvent.Finished { Outcome: QueryFailed failed }:
                    dashboard.RecordFailure();
                    var error = ChatRouting.ToError(failed);
                    await context.Response.Body.WriteAsync(SseEvent(error.ToJson()), context.RequestAborted).ConfigureAwait(false);
                    break;
            }
        }
    }

    private Task WriteDecisionAsync(HttpContext context, ChatRequest request, Query query, long created, RouterEvent.Decided decided) =>
        WriteChunkAsync(context, query, request.Model, created, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null,
            new JsonObject { ["event"] = "decided", ["query_id"] = query.Id, ["decision"] = OutcomeJson.Decision(decided.Decision) });

    private void Record(Query query, QueryAnswered answered)
    {
        dashboard.RecordAnswered(query, answered);
        metrics.Answered(answered);
    }

    private static JsonObject Usage(string prompt, QueryAnswered answered)
    {
        var usage = CompletionWriter.UsageOf(prompt, answered);
        return new JsonObject { ["prompt_tokens"] = usage.PromptTokens, ["completion_tokens"] = usage.CompletionTokens, ["total_tokens"] = usage.TotalTokens };
    }

    private static JsonObject Chunk(Query query, string model, long created) => new()
    {
        ["id"] = query.Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = model,
    };

    private Task WriteChunkAsync(HttpContext context, Query query, string model, long created, JsonObject delta, string? finishReason, JsonObject? extension)
    {
        var chunk = Chunk(query, model, created);
        chunk["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason });
        if (extension is not null)
        {
            chunk["agentrouter"] = extension;
        }

        return WriteEventAsync(context, chunk);
    }

    private async Task WriteEventAsync(HttpContext context, JsonObject payload)
    {
        if (!await StreamWrites.WriteAsync(context, SseEvent(JsonSerializer.SerializeToUtf8Bytes(payload)), options.StreamWriteTimeout).ConfigureAwait(false))
        {
            // The reader stalled and was dropped; the router's query ends with the request.
            throw new OperationCanceledException(context.RequestAborted);
        }
    }

    private static byte[] SseEvent(byte[] json)
    {
        var framed = new byte[json.Length + 8];
        "data: "u8.CopyTo(framed);
        json.CopyTo(framed, 6);
        framed[^2] = (byte)'\n';
        framed[^1] = (byte)'\n';
        return framed;
    }
}
