using System.Text;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.SemanticKernel;
using AgentRouter.Server.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AgentRouter.Server.Tests;

/// <summary>Semantic Kernel's OpenAI connector over HTTP, and the in-process IChatClient / SK bridge.</summary>
public sealed class SemanticKernelTests : IAsyncLifetime
{
    private AgentRouterServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sk_openai_connector_chats_and_streams_through_the_server()
    {
        var kernel = Kernel.CreateBuilder()
            .AddOpenAIChatCompletion(modelId: "router", endpoint: TestServer.V1(_server), apiKey: "unused-on-loopback")
            .Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory("You answer with one option letter.");
        history.AddUserMessage("A, B, C or D?");
        var reply = await chat.GetChatMessageContentAsync(history);
        Assert.Contains(reply.Content, new[] { "A", "B", "C", "D" });
        Assert.Equal("router", reply.ModelId);

        var streamed = new StringBuilder();
        await foreach (var part in chat.GetStreamingChatMessageContentsAsync(history))
        {
            streamed.Append(part.Content);
        }

        Assert.Contains(streamed.ToString(), new[] { "A", "B", "C", "D" });
        Assert.True(_server.Dashboard.Snapshot()["queries"]!.GetValue<long>() >= 2);
    }

    [Fact]
    public async Task Sk_openai_connector_surfaces_server_errors()
    {
        var kernel = Kernel.CreateBuilder()
            .AddOpenAIChatCompletion(modelId: "missing-model", endpoint: TestServer.V1(_server), apiKey: "unused")
            .Build();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("hi"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task In_process_chat_client_and_kernel_bridge_route_without_http()
    {
        // The README's embedding snippet, verbatim: the host runs the actor runtime, SK talks to it in-process.
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentRouter(options =>
        {
            options.AddAgent(AgentRouter.Actors.Runtime.AgentRouterOptions.Manifest("model-a"));
            options.AddAgent(AgentRouter.Actors.Runtime.AgentRouterOptions.Manifest("model-b"));
            options.MergeStrategies = name => new ExampleMajority();
        });
        builder.Services.AddAgentRouterChatClient();
        using var host = builder.Build();
        await host.StartAsync();

        IChatClient client = host.Services.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("A, B, C or D?");
        Assert.Contains(response.Text, new[] { "A", "B", "C", "D" });
        var outcome = Assert.IsType<QueryAnswered>(response.AdditionalProperties![AgentRouterChatClient.OutcomeKey]);
        Assert.Equal(response.ResponseId, outcome.QueryId);
        Assert.Equal(2, outcome.Analyses.Count);

        var kernel = Kernel.CreateBuilder().AddAgentRouterChatCompletion(host.Services.GetRequiredService<IAgentRouter>()).Build();
        var answer = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("A or B?");
        Assert.False(string.IsNullOrEmpty(answer.Content));

        var streamed = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("A, B, C or D?"))
        {
            streamed.Append(update.Text);
        }

        Assert.Contains(streamed.ToString(), new[] { "A", "B", "C", "D" });
        await host.StopAsync();
    }

    /// <summary>A minimal vote for the embedding host (the server ships its own strategies).</summary>
    private sealed class ExampleMajority : AgentRouter.Core.Merging.IMergeStrategy
    {
        public string Name => "majority";

        public AgentRouter.Core.Merging.MergeResult Merge(IReadOnlyList<AgentRouter.Core.Merging.AgentAnalysis> analyses, AgentRouter.Core.Merging.MergeContext context)
        {
            var top = analyses.GroupBy(a => a.Choice).OrderByDescending(g => g.Count()).First().First();
            return new(Name, top.Choice, top.Text, top.Agent, new Dictionary<string, double>(), "most common choice");
        }
    }
}
