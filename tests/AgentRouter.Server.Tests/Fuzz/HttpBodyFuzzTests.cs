using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentRouter.Server.Hosting;
using AgentRouter.Tests.Fuzzing;
using Xunit.Abstractions;

namespace AgentRouter.Server.Tests.Fuzz;

/// <summary>Issue 16 point 4 for the HTTP server: mutants of valid bodies of every POST endpoint (chat completions,
/// whole and streamed; route; feedback with real query ids) over real HTTP. Every answer is a 2xx, or a 4xx in
/// OpenAI's error shape without exception text — never a 5xx, a reset connection or a case over its time budget —
/// and the server serves a good request afterwards. Case count and seed: <see cref="FuzzSettings"/>.</summary>
public sealed class HttpBodyFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] ChatBodies =
    [
        """{"model":"router","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"A or B?"}],"max_tokens":16,"temperature":0.5,"top_p":0.9,"seed":3,"stop":["\n"],"agentrouter":{"task_type":"math","panel_size":2,"deadline_ms":2000,"options":["A","B"],"merge":"majority"}}""",
        """{"model":"router","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":[{"type":"text","text":"2+2?"}]}],"agentrouter":{"task_type":"code"}}""",
        """{"model":"sim-math","messages":[{"role":"user","content":"Which: A, B or C?"},{"role":"assistant","content":"A"},{"role":"user","content":"Sure?"}],"max_completion_tokens":8,"n":1}""",
        """{"model":"router:ema-lex","stream":true,"messages":[{"role":"developer","content":"x"},{"role":"user","content":"y"}],"agentrouter":{"options":["yes","no"],"panel_size":3}}""",
    ];

    [Fact]
    public Task Chat_completion_bodies_get_2xx_or_a_clear_4xx() => FuzzEndpointAsync("/v1/chat/completions", _ => ChatBodies);

    [Fact]
    public Task Route_bodies_get_2xx_or_a_clear_4xx() => FuzzEndpointAsync("/v1/route", _ => ChatBodies);

    [Fact]
    public Task Feedback_bodies_get_2xx_or_a_clear_4xx() => FuzzEndpointAsync("/v1/feedback", FeedbackSeeds);

    /// <summary>Feedback for queries this server answered, so that mutants reach the router and not only the parser.</summary>
    private static string[] FeedbackSeeds(IReadOnlyList<string> queryIds) =>
    [
        $$"""{"query_id":"{{queryIds[0]}}","reward":0.5}""",
        $$"""{"query_id":"{{queryIds[1]}}","correct":true}""",
        $$"""{"query_id":"{{queryIds[2]}}","choice":"A"}""",
        $$$"""{"query_id":"{{{queryIds[3]}}}","rewards":{"sim-math":1,"sim-code":0,"sim-cheap":0.25}}""",
    ];

    private async Task FuzzEndpointAsync(string path, Func<IReadOnlyList<string>, string[]> seedsFor)
    {
        await using var server = await TestServer.StartAsync(options =>
        {
            // The fuzz run is one client sending thousands of requests: the per-client rate limit is tested elsewhere.
            options.RequestsPerMinute = 10_000_000;
        });
        using var http = TestServer.Client(server);
        var queryIds = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var answer = await TestServer.PostJsonAsync(http, "/v1/chat/completions", TestServer.Chat("router", $"Warm-up {i}: A or B?", "math"));
            queryIds.Add(answer.GetProperty("id").GetString()!);
        }

        var seeds = seedsFor(queryIds);
        var report = await FuzzRunner.RunAsync(
            $"POST {path}",
            random => JsonMutator.Mutate(seeds, random),
            (fuzzCase, cancellation) => PostAsync(http, path, fuzzCase, cancellation),
            _ => null);
        output.WriteLine(report.Summary);
        report.AssertNoFailures();

        // Still serving.
        await TestServer.PostJsonAsync(http, "/v1/chat/completions", TestServer.Chat("router", "After the fuzz: A or B?"));
    }

    /// <summary>The status and, for errors, OpenAI's error code: the label the summary counts.</summary>
    private static async Task<string> PostAsync(HttpClient http, string path, FuzzCase fuzzCase, CancellationToken cancellation)
    {
        using var content = new ByteArrayContent(fuzzCase.Bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(path, content, cancellation);
        // Read to the end: a streamed answer must finish, and a 200 whose stream breaks is a failure too.
        var body = await response.Content.ReadAsStringAsync(cancellation);
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            throw new InvalidOperationException($"HTTP {status}: {Shorten(body)}");
        }

        if (status >= 400)
        {
            using var document = JsonDocument.Parse(body);
            var error = document.RootElement.GetProperty("error");
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()), $"HTTP {status} with an empty error message");
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
            return $"{status} {(error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : "")}".TrimEnd();
        }

        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            Assert.EndsWith("data: [DONE]", body.TrimEnd(), StringComparison.Ordinal);
            return $"{status} stream";
        }

        return status.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
