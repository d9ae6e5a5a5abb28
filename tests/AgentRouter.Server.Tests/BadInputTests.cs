using System.Net;
using System.Text;
using System.Text.Json;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.Security;

namespace AgentRouter.Server.Tests;

/// <summary>Generated bad requests each get a 4xx in OpenAI's error shape; the server stays up and serves a
/// good request afterwards.</summary>
public sealed class BadInputTests
{
    private const string Good = """{"model":"router","messages":[{"role":"user","content":"A or B?"}]}""";

    private static IEnumerable<(string Name, string Method, string Path, byte[] Body, string ContentType)> BadRequests()
    {
        static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
        const string chat = "/v1/chat/completions";
        var json = "application/json";

        // Malformed JSON: every proper prefix of a good body, and assorted garbage.
        for (var cut = 1; cut < Good.Length; cut += 2)
        {
            yield return ($"truncated at {cut}", "POST", chat, Utf8(Good[..cut]), json);
        }

        foreach (var garbage in new[] { "", " ", "nul", "{\"model\":\"router\",}x", "[1,2", "'single'", "{\"a\":1}}", "{\"model\":\"router\" \"messages\":[]}" })
        {
            yield return ($"garbage {garbage}", "POST", chat, Utf8(garbage), json);
        }

        // Invalid UTF-8 inside a string.
        yield return ("invalid utf-8", "POST", chat, [.. Utf8("{\"model\":\"router\",\"messages\":[{\"role\":\"user\",\"content\":\""), 0xC3, 0x28, 0xFF, .. Utf8("\"}]}")], json);

        // Wrong types and values, field by field.
        string[] bodies =
        [
            "[]", "42", "\"text\"", "null",
            """{"messages":[{"role":"user","content":"hi"}]}""",
            """{"model":42,"messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"","messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"nope","messages":[{"role":"user","content":"hi"}]}""",
            """{"model":"router"}""",
            """{"model":"router","messages":{}}""",
            """{"model":"router","messages":[]}""",
            """{"model":"router","messages":["hi"]}""",
            """{"model":"router","messages":[{"content":"hi"}]}""",
            """{"model":"router","messages":[{"role":"wizard","content":"hi"}]}""",
            """{"model":"router","messages":[{"role":"user","content":""}]}""",
            """{"model":"router","messages":[{"role":"user","content":"   "}]}""",
            """{"model":"router","messages":[{"role":"user","content":42}]}""",
            """{"model":"router","messages":[{"role":"user","content":[{"type":"image_url","image_url":"x"}]}]}""",
            """{"model":"router","messages":[{"role":"user","content":[42]}]}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"max_tokens":-1}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"max_tokens":99999999999}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"max_tokens":1e400}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"max_tokens":"10"}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":1.5}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"n":3}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"temperature":9}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"stream_options":1}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":[]}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"panel_size":0}}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"panel_size":1000}}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"deadline_ms":-5}}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"options":["A"]}}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"options":"AB"}}""",
            """{"model":"router","messages":[{"role":"user","content":"hi"}],"agentrouter":{"merge":"no-such-merge"}}""",
            """{"model":"sim-math","messages":[{"role":"user","content":"hi"}],"agentrouter":{"panel_size":2}}""",
        ];
        foreach (var body in bodies)
        {
            yield return ($"chat {body}", "POST", chat, Utf8(body), json);
            yield return ($"route {body}", "POST", "/v1/route", Utf8(body), json);
        }

        // Too many messages, one huge message, an oversized body.
        var many = string.Join(",", Enumerable.Repeat("""{"role":"user","content":"x"}""", 300));
        yield return ("too many messages", "POST", chat, Utf8($$"""{"model":"router","messages":[{{many}}]}"""), json);
        yield return ("huge message", "POST", chat, Utf8($$"""{"model":"router","messages":[{"role":"user","content":"{{new string('x', 150_000)}}"}]}"""), json);
        yield return ("oversized body", "POST", chat, Utf8($$"""{"model":"router","messages":[{"role":"user","content":"{{new string('y', 400_000)}}"}]}"""), json);

        // Feedback: unknown ids, bad signals.
        string[] feedback =
        [
            """{"query_id":"chatcmpl-unknown","reward":1}""",
            """{"query_id":"chatcmpl-unknown","correct":true}""",
            """{"query_id":"chatcmpl-unknown","choice":"A"}""",
            """{"reward":1}""",
            """{"query_id":42,"reward":1}""",
            """{"query_id":"x"}""",
            """{"query_id":"x","reward":1,"correct":true}""",
            """{"query_id":"x","reward":2}""",
            """{"query_id":"x","reward":"high"}""",
            """{"query_id":"x","rewards":{"sim-math":7}}""",
            """{"query_id":"x","rewards":[]}""",
            "{",
        ];
        foreach (var body in feedback)
        {
            yield return ($"feedback {body}", "POST", "/v1/feedback", Utf8(body), json);
        }

        yield return ("unknown path", "GET", "/v1/nothing-here", [], json);
        yield return ("wrong method", "GET", chat, [], json);
        yield return ("unknown model by id", "GET", "/v1/models/nope", [], json);
    }

    [Fact]
    public async Task Over_a_hundred_bad_requests_get_openai_errors_and_a_good_one_then_succeeds()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxMessageChars = 100_000);
        using var http = TestServer.Client(server);
        var cases = BadRequests().ToList();
        Assert.True(cases.Count >= 100, $"only {cases.Count} bad requests generated");
        foreach (var (name, method, path, body, contentType) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "POST")
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new(contentType);
            }

            using var response = await http.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status is >= 400 and < 500, $"{name}: expected a 4xx, got {status}: {text}");
            using var error = JsonDocument.Parse(text);
            var detail = error.RootElement.GetProperty("error");
            Assert.False(string.IsNullOrWhiteSpace(detail.GetProperty("message").GetString()), name);
            Assert.False(string.IsNullOrWhiteSpace(detail.GetProperty("type").GetString()), name);
        }

        var ok = await TestServer.PostJsonAsync(http, "/v1/chat/completions", Good);
        Assert.Equal("chat.completion", ok.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Api_keys_are_required_when_configured_and_rate_limited_per_key()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.ApiKeys.Add("key-one");
            o.ApiKeys.Add("key-two");
            o.RequestsPerMinute = 3;
        });
        using var anonymous = TestServer.Client(server);
        var missing = await TestServer.PostJsonAsync(anonymous, "/v1/chat/completions", Good, 401);
        Assert.Equal("invalid_api_key", missing.GetProperty("error").GetProperty("code").GetString());
        using var wrong = TestServer.Client(server, "key-three");
        await TestServer.PostJsonAsync(wrong, "/v1/chat/completions", Good, 401);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);

        using var one = TestServer.Client(server, "key-one");
        for (var i = 0; i < 3; i++)
        {
            await TestServer.PostJsonAsync(one, "/v1/chat/completions", Good);
        }

        using (var refused = await one.PostAsync("/v1/chat/completions", new StringContent(Good, System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var limited = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("rate_limit_error", limited.GetProperty("error").GetProperty("type").GetString());
            Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        }

        using var two = TestServer.Client(server, "key-two");
        await TestServer.PostJsonAsync(two, "/v1/chat/completions", Good);
    }

    [Fact]
    public void Binding_beyond_loopback_without_keys_is_refused_with_a_clear_message()
    {
        Assert.True(BindingGuard.IsLoopback("http://127.0.0.1:8080"));
        Assert.True(BindingGuard.IsLoopback("http://localhost:0"));
        Assert.True(BindingGuard.IsLoopback("http://[::1]:8080"));
        Assert.False(BindingGuard.IsLoopback("http://0.0.0.0:8080"));
        Assert.False(BindingGuard.IsLoopback("http://*:8080"));
        var options = new ServerOptions();
        options.Urls.Clear();
        options.Urls.Add("http://0.0.0.0:0");
        var error = Assert.Throws<InvalidOperationException>(() => AgentRouterServer.Build(options));
        Assert.Contains("no API key is configured", error.Message, StringComparison.Ordinal);
        Assert.Contains("AGENTROUTER_API_KEYS", error.Message, StringComparison.Ordinal);
        options.ApiKeys.Add("secret");
        BindingGuard.Check(options.Urls, options.ApiKeys);
        options.RequestsPerMinute = 0;
        Assert.Contains("RequestsPerMinute", Assert.Throws<ArgumentOutOfRangeException>(() => AgentRouterServer.Build(options)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cors_is_off_unless_origins_are_configured()
    {
        await using var closed = await TestServer.StartAsync();
        using var closedClient = TestServer.Client(closed);
        using var preflight = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        preflight.Headers.Add("Origin", "https://app.example");
        var response = await closedClient.SendAsync(preflight);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));

        await using var open = await TestServer.StartAsync(o => o.CorsOrigins.Add("https://app.example"));
        using var openClient = TestServer.Client(open);
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        allowed.Headers.Add("Origin", "https://app.example");
        var allowedResponse = await openClient.SendAsync(allowed);
        Assert.Equal("https://app.example", allowedResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
