using System.Text;
using System.Text.Json.Nodes;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Server.Hosting;
using AgentRouter.Server.OpenAi;
using Microsoft.AspNetCore.Http;

namespace AgentRouter.Server.Tests;

/// <summary>The chat completion is written straight from the router's records; its bytes must stay those of the DOM the
/// endpoint used to build (OpenAI's shape plus the <c>agentrouter</c> object), and rendering it must not allocate.</summary>
public sealed class CompletionWriterTests
{
    private static readonly JsonResponse.Body<QueryAnswered> Completion = static (writer, in answered) =>
        CompletionWriter.WriteCompletion(writer, "chatcmpl-1", 1_800_000_000, "router", answered, CompletionWriter.UsageOf("Question: A or B?", answered));

    [Fact]
    public void The_written_completion_is_byte_identical_to_the_former_json_tree()
    {
        foreach (var answered in new[] { Answered(withUsage: false), Answered(withUsage: true) })
        {
            var written = Encoding.UTF8.GetString(JsonResponse.ToBytes(answered, Completion));
            Assert.Equal(FormerTree(answered).ToJsonString(), written);
        }
    }

    [Fact]
    public void Usage_sums_the_agents_counts_or_estimates_from_characters()
    {
        Assert.Equal(new CompletionWriter.Usage(30, 12), CompletionWriter.UsageOf("ignored", Answered(withUsage: true)));
        // 17 characters of prompt and 10 of answer, at four characters per token rounded up.
        Assert.Equal(new CompletionWriter.Usage(5, 3), CompletionWriter.UsageOf("Question: A or B?", Answered(withUsage: false)));
    }

    [Fact]
    public void Rendering_a_completion_allocates_nothing_after_warm_up()
    {
        var answered = Answered(withUsage: true);
        var length = JsonResponse.Render(answered, Completion).Length;
        var rendered = 0L;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            rendered += JsonResponse.Render(answered, Completion).Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000L * length, rendered);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_render_that_throws_leaves_the_next_one_whole()
    {
        var broken = Answered(withUsage: false) with { Analyses = [new AgentAnalysis("a", "A", "A", Confidence: double.NaN)] };
        Assert.Throws<ArgumentException>(() => JsonResponse.Render(broken, Completion).Length);
        var answered = Answered(withUsage: false);
        Assert.Equal(FormerTree(answered).ToJsonString(), Encoding.UTF8.GetString(JsonResponse.Render(answered, Completion)));
    }

    [Theory]
    [InlineData("""{"model":"router","model":"x","messages":[}""", "duplicate_key")]
    [InlineData("""{"model":"router","mod\u0065l":"x"}""", "duplicate_key")]
    [InlineData("""{"model":"router","messages":[}""", "invalid_json")]
    [InlineData("""{"model":"\ud800"}""", "invalid_string")]
    public async Task Request_bodies_are_refused_with_the_first_problem_in_document_order(string body, string code)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        var error = await Assert.ThrowsAsync<ApiError>(() => RequestBody.ReadJsonAsync(context.Request, 1 << 20, CancellationToken.None));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task A_body_larger_than_the_first_buffer_is_read_whole()
    {
        var content = new string('x', 100_000);
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($$"""{"text":"{{content}}"}"""));
        using var json = await RequestBody.ReadJsonAsync(context.Request, 1 << 20, CancellationToken.None);
        Assert.Equal(content, json.RootElement.GetProperty("text").GetString());
    }

    private static QueryAnswered Answered(bool withUsage)
    {
        AgentAnalysis[] analyses =
        [
            new("sim-math", "Answer: A — café <b>\"x\"</b>", "A", 0.75, LatencyMs: 1.5, Cost: 0.001, KvReuse: new KvReuse(70, 64),
                Usage: withUsage ? new TokenUsage(10, 4) : null),
            new("sim-code", "B", "B", null, LatencyMs: 0, Cost: 0.0002, Status: OutcomeStatus.Failed, Usage: withUsage ? new TokenUsage(20, 8) : null),
            new("sim-slow", "", null, Status: OutcomeStatus.TimedOut),
        ];
        var decision = new RoutingDecision("chatcmpl-1", "ucb", ["sim-math", "sim-code", "sim-slow"],
            [new("sim-math", 0.9, 0.8, 0.1), new("sim-code", double.PositiveInfinity, 0.5, double.PositiveInfinity), new("sim-slow", 0.1, double.NaN, 0)],
            "score = exploit + explore; top 3");
        var votes = new Dictionary<string, double> { ["A"] = 1.75, ["B"] = 1 };
        return new QueryAnswered("chatcmpl-1", "router", new MergeResult("majority", "A", "Answer: A.", null, votes, "A won 1.75 to 1 ✓"), analyses, decision, 1, true);
    }

    /// <summary>What the endpoint built before it wrote the response directly (the streamed chunks still build it).</summary>
    private static JsonObject FormerTree(QueryAnswered answered)
    {
        var usage = CompletionWriter.UsageOf("Question: A or B?", answered);
        return new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion",
            ["created"] = 1_800_000_000L,
            ["model"] = "router",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answered.Answer.Text },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = usage.PromptTokens, ["completion_tokens"] = usage.CompletionTokens, ["total_tokens"] = usage.TotalTokens },
            ["agentrouter"] = OutcomeJson.Answered(answered),
        };
    }
}
