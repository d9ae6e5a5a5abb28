using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentRouter.Cli.Tests;

/// <summary>A file server on a free loopback port for the data-fetch tests: serves byte arrays at /files/NAME, honours
/// <c>Range: bytes=N-</c> with 206, and can drop the connection half-way through a file's first response.</summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _dropFirstResponse = new(StringComparer.Ordinal);

    private LoopbackFileServer(WebApplication app) => _app = app;

    /// <summary>Every request's file name and Range header (empty when none), in arrival order.</summary>
    public ConcurrentQueue<(string File, string Range)> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<LoopbackFileServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackFileServer(app);
        app.MapGet("/files/{name}", server.ServeAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.Single() + "/files/");
        return server;
    }

    public void Add(string name, byte[] contents, bool dropFirstResponseHalfWay = false)
    {
        _files[name] = contents;
        _dropFirstResponse[name] = dropFirstResponseHalfWay;
    }

    public Uri UrlOf(string name) => new(BaseAddress, name);

    private async Task ServeAsync(string name, HttpContext context)
    {
        var range = context.Request.Headers.Range.ToString();
        Requests.Enqueue((name, range));
        if (!_files.TryGetValue(name, out var contents))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        long from = 0;
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {from}-{contents.Length - 1}/{contents.Length}";
        }

        context.Response.ContentLength = contents.Length - from;
        if (_dropFirstResponse.TryUpdate(name, false, true))
        {
            var half = (int)(contents.Length - from) / 2;
            await context.Response.Body.WriteAsync(contents.AsMemory((int)from, half));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }
        await context.Response.Body.WriteAsync(contents.AsMemory((int)from));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
