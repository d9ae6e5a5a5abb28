using System.Net;
using System.Text;
using System.Text.Json;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentRouter.Server.Tests;

/// <summary>Regression tests for the probes of issue #16 against the HTTP server: each input that once gave a
/// 500, an empty 400, unbounded growth or unthrottled traffic now gets a clear 4xx, a bounded table or a 429.</summary>
public sealed class HardeningTests
{
    private const string Chat = "/v1/chat/completions";

    /// <summary>Every string field of every POST endpoint, with a lone surrogate escape in it.</summary>
    private static List<(string Path, string Body)> LoneSurrogates()
    {
        const string bad = "\\ud800";
        var data = new List<(string, string)>();
        string[] chatBodies =
        [
            $$$"""{"model":"router{{{bad}}}","messages":[{"role":"user","content":"hi"}]}""",
            $$$"""{"model":"router","messages":[{"role":"user{{{bad}}}","content":"hi"}]}""",
            $$$"""{"model":"router","messages":[{"role":"user","content":"hi {{{bad}}} there"}]}""",
            $$$"""{"model":"router","messages":[{"role":"user","content":[{"type":"text","text":"{{{bad}}}"}]}]}""",
            $$$"""{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"task_type":"{{{bad}}}"}}""",
            $$$"""{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"merge":"\udfff"}}""",
            $$$"""{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"options":["A","{{{bad}}}"]}}""",
            $$$"""{"model":"router","messages":[{"role":"user","content":"hi"}],"{{{bad}}}":1}""",
        ];
        foreach (var body in chatBodies)
        {
            data.Add((Chat, body));
            data.Add(("/v1/route", body));
        }

        data.Add(("/v1/feedback", $$$"""{"query_id":"x{{{bad}}}","reward":1}"""));
        data.Add(("/v1/feedback", $$$"""{"query_id":"x","choice":"{{{bad}}}"}"""));
        data.Add(("/v1/feedback", $$$"""{"query_id":"x","rewards":{"{{{bad}}}":1}}"""));
        return data;
    }

    [Fact]
    public async Task A_lone_surrogate_escape_in_any_string_of_any_post_endpoint_is_a_400_naming_the_problem()
    {
        await using var server = await TestServer.StartAsync();
        using var http = TestServer.Client(server);
        foreach (var (path, body) in LoneSurrogates())
        {
            var error = await TestServer.PostJsonAsync(http, path, body, 400);
            Assert.True(error.GetProperty("error").GetProperty("code").GetString() == "invalid_string", $"{path} {body}: {error}");
            Assert.DoesNotContain("Exception", error.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Duplicate_keys_are_refused_at_any_depth()
    {
        await using var server = await TestServer.StartAsync();
        using var http = TestServer.Client(server);
        string[] bodies =
        [
            """{"model":"router","model":"sim-math","messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"router","messages":[{"role":"user","content":"hi","content":"other"}]}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"task_type":"a","task_type":"b"}}""",
        ];
        foreach (var body in bodies)
        {
            var error = await TestServer.PostJsonAsync(http, Chat, body, 400);
            Assert.Equal("duplicate_key", error.GetProperty("error").GetProperty("code").GetString());
        }

        var feedback = await TestServer.PostJsonAsync(http, "/v1/feedback", """{"query_id":"x","reward":1,"reward":0}""", 400);
        Assert.Equal("reward", feedback.GetProperty("error").GetProperty("param").GetString());

        // The same key in sibling objects is fine.
        await TestServer.PostJsonAsync(http, Chat, """{"model":"router","messages":[{"role":"user","content":"A or B?"},{"role":"assistant","content":"A"},{"role":"user","content":"sure?"}]}""");
    }

    [Fact]
    public async Task Client_strings_are_length_capped()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxFieldChars = 64);
        using var http = TestServer.Client(server);
        var huge = new string('t', 900_000);
        var error = await TestServer.PostJsonAsync(http, Chat, TestServer.Chat("router", "A or B?", huge), 400);
        Assert.Equal("string_too_long", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("agentrouter.task_type", error.GetProperty("error").GetProperty("param").GetString());
        Assert.DoesNotContain(huge[..100], error.GetRawText(), StringComparison.Ordinal);

        await TestServer.PostJsonAsync(http, Chat, TestServer.Chat("router", "A or B?", new string('t', 64)));
        await TestServer.PostJsonAsync(http, "/v1/feedback", JsonSerializer.Serialize(new { query_id = new string('q', 65), reward = 1 }), 400);
        await TestServer.PostJsonAsync(http, "/v1/feedback", JsonSerializer.Serialize(new { query_id = "x", rewards = new Dictionary<string, double> { [new string('a', 65)] = 1 } }), 400);
        await TestServer.PostJsonAsync(http, "/v1/feedback", """{"query_id":"x","rewards":{"a":1e400}}""", 400);
    }

    [Fact]
    public async Task Bad_query_parameters_get_a_400_with_a_body()
    {
        await using var server = await TestServer.StartAsync();
        using var http = TestServer.Client(server);
        foreach (var query in new[] { "limit=abc", "limit=0", "limit=-3", "limit=99999999999999" })
        {
            using var response = await http.GetAsync("/dashboard/events?" + query);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
            Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString()), query);
        }
    }

    [Fact]
    public async Task The_dashboard_keeps_a_bounded_number_of_task_types_and_counts_evictions()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxDashboardTaskTypes = 3);
        using var http = TestServer.Client(server);
        for (var i = 0; i < 8; i++)
        {
            await TestServer.PostJsonAsync(http, Chat, TestServer.Chat("router", "A or B?", $"type-{i}"));
        }

        using var state = JsonDocument.Parse(await http.GetStringAsync("/dashboard/state"));
        var rows = state.RootElement.GetProperty("routers").EnumerateArray().Single().GetProperty("by_task_type");
        Assert.Equal(["type-5", "type-6", "type-7"], rows.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(5, state.RootElement.GetProperty("evicted_task_types").GetInt64());
        Assert.Equal(5, server.Dashboard.EvictedTaskTypes);
    }

    [Fact]
    public async Task Requests_without_a_valid_key_are_throttled_per_address_and_metrics_need_a_key_off_loopback()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Urls.Clear();
            o.Urls.Add("http://0.0.0.0:0");
            o.ApiKeys.Add("the-key");
            o.UnauthenticatedRequestsPerMinute = 5;
        });
        var local = new UriBuilder(server.BaseAddress) { Host = "127.0.0.1" }.Uri;
        using var wrong = new HttpClient { BaseAddress = local };
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "guess");
        var statuses = new List<int>();
        var retryAfters = new List<TimeSpan?>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await wrong.GetAsync("/v1/models");
            statuses.Add((int)response.StatusCode);
            retryAfters.Add(response.Headers.RetryAfter?.Delta);
        }

        Assert.Equal([401, 401, 401, 401, 401, 429, 429, 429], statuses);
        // 5 a minute refill one token every 12 s: a refused client is told to come back then, not sooner.
        Assert.All(retryAfters.Take(5), Assert.Null);
        Assert.All(retryAfters.Skip(5), wait => Assert.InRange(wait!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(12)));
        using var metricsAnonymous = await new HttpClient { BaseAddress = local }.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.TooManyRequests, metricsAnonymous.StatusCode);

        using var keyed = new HttpClient { BaseAddress = local };
        keyed.DefaultRequestHeaders.Authorization = new("Bearer", "the-key");
        using var metrics = await keyed.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Metrics_need_a_key_off_loopback_and_stay_open_on_loopback()
    {
        await using var exposed = await TestServer.StartAsync(o =>
        {
            o.Urls.Clear();
            o.Urls.Add("http://0.0.0.0:0");
            o.ApiKeys.Add("the-key");
        });
        using var anonymous = new HttpClient { BaseAddress = new UriBuilder(exposed.BaseAddress) { Host = "127.0.0.1" }.Uri };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);

        await using var loopback = await TestServer.StartAsync(o => o.ApiKeys.Add("the-key"));
        using var local = TestServer.Client(loopback);
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Streams_are_limited_per_client()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxStreamsPerClient = 2);
        using var http = TestServer.Client(server);
        using var first = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        using var second = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var third = await http.GetAsync("/dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        // Clients that honour Retry-After (the harness does) wait and retry instead of failing the call.
        Assert.Equal(TimeSpan.FromSeconds(1), third.Headers.RetryAfter?.Delta);
        var streamed = await TestServer.PostJsonAsync(http, Chat, """{"model":"router","stream":true,"messages":[{"role":"user","content":"A or B?"}]}""", 429);
        Assert.Equal("rate_limit_error", streamed.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_stream_reader_that_stops_reading_is_dropped_after_the_write_timeout()
    {
        var context = new DefaultHttpContext();
        var aborted = new AbortRecorder();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpRequestLifetimeFeature>(aborted);
        context.Response.Body = new NeverDrainingStream();
        var written = await StreamWrites.WriteAsync(context, new byte[1024], TimeSpan.FromMilliseconds(50));
        Assert.False(written);
        Assert.True(aborted.Aborted);
    }

    [Fact]
    public async Task Server_errors_carry_an_error_id_not_exception_text_and_are_logged_once_client_errors_not_at_all()
    {
        var log = new RecordingLogger();
        var failing = new ErrorMiddleware(_ => throw new InvalidOperationException("secret path /etc/agentrouter/keys"), log);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await failing.InvokeAsync(context);
        var body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal(500, context.Response.StatusCode);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        var id = System.Text.RegularExpressions.Regex.Match(body, "err-[0-9A-Za-z-]+").Value;
        Assert.NotEmpty(id);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(id, entry.Message, StringComparison.Ordinal);
        Assert.NotNull(entry.Exception);

        var rejecting = new ErrorMiddleware(_ => throw ApiError.BadRequest("bad field"), log);
        var client = new DefaultHttpContext();
        client.Response.Body = new MemoryStream();
        await rejecting.InvokeAsync(client);
        Assert.Equal(400, client.Response.StatusCode);
        Assert.Single(log.Entries);
    }

    private sealed class NeverDrainingStream : MemoryStream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await Task.Delay(Timeout.Infinite, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);
    }

    private sealed class AbortRecorder : Microsoft.AspNetCore.Http.Features.IHttpRequestLifetimeFeature
    {
        public bool Aborted { get; private set; }

        public CancellationToken RequestAborted { get; set; }

        public void Abort() => Aborted = true;
    }

    internal sealed class RecordingLogger : ILogger<ErrorMiddleware>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            Entries.Add((logLevel, formatter(state, exception), exception));
        }
    }
}
