using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentRouter.Cli.Bench;

/// <summary>The HTTP floor of <c>bench http</c>: bare Kestrel with one <c>POST /v1/chat/completions</c> that parses the
/// same request JSON the server parses (model, every message's role and content, stream) and writes a chat-completion
/// response of the same size as the router's, with no router, agents, auth, limits or metrics behind it. Whatever the
/// server takes beyond this is the cost of AgentRouter itself.</summary>
internal static class BareKestrelFloor
{
    public static async Task RunAsync(string url, int responseBytes, CancellationToken cancellationToken)
    {
        await using var app = await StartAsync(url, responseBytes, cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the floor; the returned application is listening.</summary>
    public static async Task<WebApplication> StartAsync(string url, int responseBytes, CancellationToken cancellationToken)
    {
        // The same host settings as the server's (no recursive watch of the working directory), so the floor differs only by what it leaves out.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var padding = PaddingFor(responseBytes);
        app.MapGet("/readyz", () => "ready");
        app.MapPost("/v1/chat/completions", async context =>
        {
            using var request = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            var (model, messages) = Read(request.RootElement);
            context.Response.ContentType = "application/json";
            await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
            {
                WriteCompletion(writer, Guid.NewGuid(), model, padding, messages);
            }

            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    /// <summary>The fields the server's parser reads, read the same way (all of them, so none is skipped unseen).</summary>
    private static (string Model, int Messages) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || !root.TryGetProperty("messages", out var messages))
        {
            throw new BadHttpRequestException("model and messages are required");
        }

        var count = 0;
        foreach (var message in messages.EnumerateArray())
        {
            _ = message.GetProperty("role").GetString();
            _ = message.GetProperty("content").GetString();
            count++;
        }

        _ = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        return (model.GetString() ?? "", count);
    }

    /// <summary>Content that makes the response exactly <paramref name="responseBytes"/> long (ids are fixed-width).</summary>
    private static string PaddingFor(int responseBytes)
    {
        using var probe = new MemoryStream();
        using (var writer = new Utf8JsonWriter(probe))
        {
            WriteCompletion(writer, Guid.Empty, "router", "", 1);
        }

        return new string('x', Math.Max(0, responseBytes - (int)probe.Length));
    }

    private static void WriteCompletion(Utf8JsonWriter writer, Guid id, string model, string content, int messages)
    {
        writer.WriteStartObject();
        writer.WriteString("id", "chatcmpl-" + id.ToString("N"));
        writer.WriteString("object", "chat.completion");
        writer.WriteNumber("created", 1_800_000_000);
        writer.WriteString("model", model);
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", content);
        writer.WriteEndObject();
        writer.WriteString("finish_reason", "stop");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", messages);
        writer.WriteNumber("completion_tokens", 1);
        writer.WriteNumber("total_tokens", messages + 1);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The hidden command the benchmark starts the floor with, in a child process like the server.</summary>
    public static System.CommandLine.Command BuildCommand()
    {
        var urls = new System.CommandLine.Option<string>("--urls") { Required = true };
        var bytes = new System.CommandLine.Option<int>("--response-bytes") { Required = true };
        var command = new System.CommandLine.Command("http-floor", "Internal: the bare-Kestrel floor process of 'bench http'.") { urls, bytes };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            await RunAsync(parse.GetValue(urls)!, parse.GetValue(bytes), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    internal static string Describe(int responseBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"bare Kestrel floor (parse the request, write {responseBytes} B; separate process)");
}
