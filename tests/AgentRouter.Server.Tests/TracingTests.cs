using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using AgentRouter.Actors.Tracing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AgentRouter.Server.Tests;

/// <summary>Traces of a routed chat completion and its feedback over real HTTP, exported by the OpenTelemetry SDK's
/// in-memory exporter: span names, tags and parent links across the server, the router actor and the agent calls.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_routed_chat_and_its_feedback_are_traced_with_parent_links_across_the_actor_hops()
    {
        var exported = new List<Activity>();
        var ended = new SpanSignal();
        await using var server = await TestServer.StartAsync(options =>
        {
            options.PanelSize = 3;
            options.ConfigureTracing = tracing => OnlyCallersTraces(tracing).AddInMemoryExporter(exported).AddProcessor(ended);
        });
        using var client = TestServer.Client(server);

        // Our traces are told apart by the trace id we send as the caller's traceparent.
        var chatTrace = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var serverSpanEnded = ended.WaitFor(RouterTracing.ServerChatSpan, chatTrace);
        var answer = await PostAsync(client, "/v1/chat/completions", TestServer.Chat("router", "What is 2 + 2?"), chatTrace, callerSpan);
        await serverSpanEnded.WaitAsync(TimeSpan.FromSeconds(30));
        var queryId = answer.GetProperty("id").GetString()!;

        var chat = Spans(exported, chatTrace);
        var serverSpan = Assert.Single(chat, s => s.OperationName == RouterTracing.ServerChatSpan);
        Assert.Equal(ActivityKind.Server, serverSpan.Kind);
        Assert.Equal(callerSpan, serverSpan.ParentSpanId);
        Assert.Equal(200, serverSpan.GetTagItem("http.response.status_code"));

        var route = Assert.Single(chat, s => s.OperationName == RouterTracing.RouteSpan);
        Assert.Equal(serverSpan.SpanId, route.ParentSpanId);
        Assert.Equal(queryId, route.GetTagItem("agentrouter.query_id"));

        var decide = Assert.Single(chat, s => s.OperationName == RouterTracing.DecideSpan);
        Assert.Equal(route.SpanId, decide.ParentSpanId);
        Assert.False(string.IsNullOrEmpty(decide.GetTagItem("agentrouter.policy") as string));
        var panel = ((string)decide.GetTagItem("agentrouter.panel")!).Split(',');
        var candidates = ((string)decide.GetTagItem("agentrouter.candidates")!).Split(',');
        Assert.Equal(3, panel.Length);
        Assert.Equal(answer.GetProperty("agentrouter").GetProperty("router").GetString(), route.GetTagItem("agentrouter.router"));
        Assert.Subset(candidates.ToHashSet(), panel.ToHashSet());
        var answeredPanel = answer.GetProperty("agentrouter").GetProperty("panel").EnumerateArray().Select(a => a.GetString()!).ToArray();
        Assert.Equal(answeredPanel, panel);

        var agentCalls = chat.Where(s => s.OperationName == RouterTracing.AgentCallSpan).ToList();
        Assert.Equal(panel.Order(), agentCalls.Select(s => (string)s.GetTagItem("agentrouter.agent")!).Order());
        Assert.All(agentCalls, call =>
        {
            Assert.Equal(route.SpanId, call.ParentSpanId);
            Assert.Equal(ActivityKind.Client, call.Kind);
            Assert.Equal(ActivityStatusCode.Unset, call.Status);
        });

        var merge = Assert.Single(chat, s => s.OperationName == RouterTracing.MergeSpan);
        Assert.Equal(route.SpanId, merge.ParentSpanId);
        Assert.NotNull(merge.GetTagItem("agentrouter.merge_strategy"));

        // Every span of the trace hangs off the caller's span or another span of the trace: nothing was parented to an
        // ambient activity left behind on an actor's thread.
        var ids = chat.Select(s => s.SpanId).Append(callerSpan).ToHashSet();
        Assert.All(chat, s => Assert.Contains(s.ParentSpanId, ids));
        Assert.Equal(7, chat.Count); // server, route, decide, 3 agent calls, merge

        var feedbackTrace = ActivityTraceId.CreateRandom();
        var feedbackCaller = ActivitySpanId.CreateRandom();
        var feedbackEnded = Task.WhenAll(ended.WaitFor(RouterTracing.ServerFeedbackSpan, feedbackTrace), ended.WaitFor(RouterTracing.FeedbackSpan, feedbackTrace));
        await PostAsync(client, "/v1/feedback", $$"""{"query_id":"{{queryId}}","reward":1}""", feedbackTrace, feedbackCaller);
        await feedbackEnded.WaitAsync(TimeSpan.FromSeconds(30));

        var feedback = Spans(exported, feedbackTrace);
        var feedbackServer = Assert.Single(feedback, s => s.OperationName == RouterTracing.ServerFeedbackSpan);
        Assert.Equal(feedbackCaller, feedbackServer.ParentSpanId);
        var routerFeedback = Assert.Single(feedback, s => s.OperationName == RouterTracing.FeedbackSpan);
        Assert.Equal(feedbackServer.SpanId, routerFeedback.ParentSpanId);
        Assert.Equal(queryId, routerFeedback.GetTagItem("agentrouter.query_id"));
        Assert.Equal("accepted", routerFeedback.GetTagItem("agentrouter.feedback"));
        Assert.Equal(2, feedback.Count);
    }

    [Fact]
    public async Task Feedback_for_an_unknown_query_ends_the_server_span_with_its_404_and_each_router_span_with_its_refusal()
    {
        var exported = new List<Activity>();
        var ended = new SpanSignal();
        await using var server = await TestServer.StartAsync(options => options.ConfigureTracing = tracing => OnlyCallersTraces(tracing).AddInMemoryExporter(exported).AddProcessor(ended));
        using var client = TestServer.Client(server);
        var trace = ActivityTraceId.CreateRandom();
        var serverEnded = Task.WhenAll(ended.WaitFor(RouterTracing.ServerFeedbackSpan, trace), ended.WaitFor(RouterTracing.FeedbackSpan, trace));
        await PostAsync(client, "/v1/feedback", """{"query_id":"never-answered","reward":1}""", trace, ActivitySpanId.CreateRandom(), expectedStatus: 404);
        await serverEnded.WaitAsync(TimeSpan.FromSeconds(30));

        var spans = Spans(exported, trace);
        var serverSpan = Assert.Single(spans, s => s.OperationName == RouterTracing.ServerFeedbackSpan);
        Assert.Equal(404, serverSpan.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, serverSpan.Status);

        // An id no router knows is asked of every router; each one's span says why it refused (the last of them may
        // still be ending when this reads: at least the awaited one is here).
        var routerFeedback = spans.Where(s => s.OperationName == RouterTracing.FeedbackSpan).ToList();
        Assert.NotEmpty(routerFeedback);
        Assert.All(routerFeedback, span =>
        {
            Assert.Equal(serverSpan.SpanId, span.ParentSpanId);
            Assert.Equal(nameof(AgentRouter.Actors.Protocol.FeedbackRejection.UnknownQuery), span.GetTagItem("agentrouter.feedback"));
        });
    }

    [Fact]
    public void Router_spans_started_inside_an_actor_do_not_become_the_ambient_activity()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RouterTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var before = Activity.Current;

        using var span = RouterTracing.StartDetached(RouterTracing.RouteSpan, $"00-{parent.TraceId}-{parent.SpanId}-01");

        Assert.NotNull(span);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Same(before, Activity.Current);
        Assert.Null(RouterTracing.StartDetached(RouterTracing.RouteSpan, "not a traceparent"));
    }

    /// <summary>Records only traces whose caller sent a sampled traceparent: the listener is process-wide, and other
    /// tests' servers route queries concurrently (their spans would be appended to the list while it is read).</summary>
    private static TracerProviderBuilder OnlyCallersTraces(TracerProviderBuilder tracing) =>
        tracing.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));

    /// <summary>Read after the awaited spans ended (the chat's server span ends last; the router's feedback span may
    /// end just after the reply it sent, so feedback awaits both).</summary>
    private static List<Activity> Spans(List<Activity> exported, ActivityTraceId trace) =>
        exported.Where(s => s.TraceId == trace).ToList();

    private static async Task<System.Text.Json.JsonElement> PostAsync(
        HttpClient client, string path, string json, ActivityTraceId trace, ActivitySpanId caller, int expectedStatus = 200)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("traceparent", $"00-{trace}-{caller}-01");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"POST {path} gave {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Completes a task when a span of a given name and trace ends (spans end on actor and request threads,
    /// after the response may already be on its way), so the test awaits the signal instead of sleeping.</summary>
    private sealed class SpanSignal : BaseProcessor<Activity>
    {
        private readonly ConcurrentDictionary<(string, ActivityTraceId), TaskCompletionSource> _waiting = new();

        public Task WaitFor(string name, ActivityTraceId trace) =>
            _waiting.GetOrAdd((name, trace), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public override void OnEnd(Activity data)
        {
            if (_waiting.TryGetValue((data.OperationName, data.TraceId), out var waiting))
            {
                waiting.TrySetResult();
            }
        }
    }
}
