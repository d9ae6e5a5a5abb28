using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AgentRouter.Core.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentRouter.Harness.Tests;

/// <summary>Done-when: an endpoint that answers 429 with Retry-After and random 500s; the run completes with the
/// right answers and a bounded number of attempts, and every 429's Retry-After is what the harness waited.</summary>
public sealed class RetryTests
{
    private const int RetryAfterSeconds = 7;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rate_limits_and_server_errors_are_retried_with_bounded_attempts(bool stream)
    {
        using var folder = new TemporaryFolder();
        var data = Path.Combine(folder.Path, "set.jsonl");
        File.WriteAllLines(data, Enumerable.Range(0, 40).Select(i => $$"""{"id": "q{{i}}", "prompt": "What is {{i}} + 1?", "answer": {{i + 1}}}"""));
        var attempts = new ConcurrentDictionary<string, int>();
        await using var app = await StartFlakyEndpointAsync(attempts);
        var time = new InstantTimeProvider();
        var retry = new RetryPolicy(MaxRetries: 5, BaseDelay: TimeSpan.FromSeconds(1), MaxDelay: TimeSpan.FromSeconds(30));
        var options = new HarnessRunOptions(data, folder.Sub("run"), Endpoint: new Uri(Address(app), "/v1"), Models: ["flaky"],
            Prices: new Dictionary<string, AgentRouter.Core.Domain.CostModel> { ["flaky"] = new(PerInputToken: 1e-6, PerOutputToken: 2e-6) },
            Concurrency: 4, Retry: retry, Stream: stream);
        using var http = new HttpClient();
        var targets = await HarnessSession.EndpointTargetsAsync(options, http, time, CancellationToken.None);
        var result = await HarnessSession.RunAsync(options, targets, null, time, CancellationToken.None);

        Assert.Equal(HarnessStop.Completed, result.Run.Stop);
        Assert.Equal(40, result.Run.Records.Count);
        Assert.All(result.Run.Records, r =>
        {
            Assert.True(r.Succeeded, r.Error);
            Assert.Equal(1.0, r.Correct);
            Assert.InRange(r.Attempts, 2, retry.MaxRetries + 1); // the first attempt always meets the 429
            Assert.Equal(attempts[r.Id], r.Attempts);
            Assert.Equal(CostSources.Usage, r.CostSource);
            Assert.Equal((10 * 1e-6) + (2 * 2e-6), r.Cost, 12);
        });
        Assert.True(result.Run.Records.Sum(r => r.Attempts) > 80, "the endpoint should have failed some second attempts with 500");

        // Each item's 429 was waited out for exactly its Retry-After; the 500s used jittered exponential backoff under the cap.
        var waits = time.Waits.ToList();
        Assert.Equal(40, waits.Count(w => w == TimeSpan.FromSeconds(RetryAfterSeconds)));
        Assert.Equal(result.Run.Records.Sum(r => r.Attempts) - 40, waits.Count);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromMilliseconds(500), retry.Cap));
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_is_recorded_as_failed()
    {
        using var folder = new TemporaryFolder();
        var data = Path.Combine(folder.Path, "set.jsonl");
        File.WriteAllText(data, """{"id": "q1", "prompt": "hello", "answer": "hi"}""" + "\n");
        var attempts = new ConcurrentDictionary<string, int>();
        await using var app = await StartFlakyEndpointAsync(attempts);
        var options = new HarnessRunOptions(data, folder.Sub("run"), Endpoint: new Uri(Address(app), "/v1"), Models: ["missing-model"]);
        using var http = new HttpClient();
        var time = new InstantTimeProvider();
        var result = await HarnessSession.RunAsync(options, await HarnessSession.EndpointTargetsAsync(options, http, time, CancellationToken.None), null, time, CancellationToken.None);
        var record = Assert.Single(result.Run.Records);
        Assert.False(record.Succeeded);
        Assert.Equal(1, record.Attempts);
        Assert.Contains("404", record.Error, StringComparison.Ordinal);
        Assert.Empty(time.Waits);
    }

    /// <summary>Per prompt: the first attempt gets 429 + Retry-After, attempts 2-4 a 500 with probability 0.4, else the answer.
    /// Unknown models get 404.</summary>
    private static async Task<WebApplication> StartFlakyEndpointAsync(ConcurrentDictionary<string, int> attempts)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
            if (body["model"]!.GetValue<string>() != "flaky")
            {
                context.Response.StatusCode = 404;
                await context.Response.WriteAsync("""{"error": {"message": "no such model"}}""");
                return;
            }

            var prompt = body["messages"]![0]!["content"]!.GetValue<string>();
            var id = "q" + prompt.Split(' ')[2];
            var attempt = attempts.AddOrUpdate(id, 1, (_, n) => n + 1);
            // Pseudo-random per prompt and attempt (so the test does not depend on arrival order), never past the fourth attempt.
            var fail = attempt <= 4 && new Random((int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) * 31) + attempt).NextDouble() < 0.4;

            if (attempt == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return;
            }

            if (fail)
            {
                context.Response.StatusCode = 500;
                return;
            }

            var answer = $"{int.Parse(prompt.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture) + 1}";
            var usage = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 2, ["total_tokens"] = 12 };
            if (body["stream"]?.GetValue<bool>() == true)
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync($"data: {new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["delta"] = new JsonObject { ["content"] = "The answer is " } }) }.ToJsonString()}\n\n");
                await context.Response.WriteAsync($"data: {new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["delta"] = new JsonObject { ["content"] = answer } }) }.ToJsonString()}\n\n");
                await context.Response.WriteAsync($"data: {new JsonObject { ["choices"] = new JsonArray(), ["usage"] = usage }.ToJsonString()}\n\ndata: [DONE]\n\n");
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new JsonObject
            {
                ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "The answer is " + answer } }),
                ["usage"] = usage,
            }.ToJsonString());
        });
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Records every wait the harness asks for and lets it pass at once, so that backoff costs no real time.</summary>
    private sealed class InstantTimeProvider : TimeProvider
    {
        public ConcurrentQueue<TimeSpan> Waits { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Waits.Enqueue(dueTime);
            return new FiredTimer(callback, state);
        }

        private sealed class FiredTimer : ITimer
        {
            public FiredTimer(TimerCallback callback, object? state) => ThreadPool.QueueUserWorkItem(_ => callback(state));

            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
