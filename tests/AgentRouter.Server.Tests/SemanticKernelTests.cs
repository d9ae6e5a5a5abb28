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
    public async Task In_process_chat_client_streams_and_reports_failures_as_typed_errors()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentRouter(options => options.AddAgent(AgentRouter.Actors.Runtime.AgentRouterOptions.Manifest("model-a")));
        builder.Services.AddAgentRouterChatClient();
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<IChatClient>();

        var streamed = new StringBuilder();
        QueryAnswered? outcome = null;
        await foreach (var update in client.GetStreamingResponseAsync("Which is prime?\nA) 4\nB) 7\nC) 9\nD) 12"))
        {
            streamed.Append(update.Text);
            if (update.AdditionalProperties?.TryGetValue(AgentRouterChatClient.OutcomeKey, out var value) == true)
            {
                outcome = (QueryAnswered)value!;
            }
        }

        Assert.NotNull(outcome);
        Assert.Equal(outcome.Answer.Text, streamed.ToString());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync("hi", new ChatOptions { ModelId = "no-router" }));
        Assert.Contains("Unknown router 'no-router'", error.Message, StringComparison.Ordinal);
        await host.StopAsync();
    }
}
