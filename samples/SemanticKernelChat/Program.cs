// docs/SERVER.md's in-process snippet: the router as IChatClient and as Semantic Kernel's chat completion service.
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Runtime;
using AgentRouter.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

var builder = Host.CreateApplicationBuilder();
builder.Services.AddAgentRouter(options =>
{
    options.AddAgent(AgentRouterOptions.Manifest("model-a"));
    options.AddAgent(AgentRouterOptions.Manifest("model-b"));
});
builder.Services.AddAgentRouterChatClient();                       // IChatClient, routed in-process
using var host = builder.Build();
await host.StartAsync();

IChatClient chat = host.Services.GetRequiredService<IChatClient>();
ChatResponse reply = await chat.GetResponseAsync("Which is prime?\nA) 4\nB) 7\nC) 9\nD) 12");
var outcome = (QueryAnswered)reply.AdditionalProperties![AgentRouterChatClient.OutcomeKey]!;

Kernel kernel = Kernel.CreateBuilder()
    .AddAgentRouterChatCompletion(host.Services.GetRequiredService<IAgentRouter>())   // SK IChatCompletionService
    .Build();
var answer = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("A or B?");
Console.WriteLine($"IChatClient: {reply.Text} (panel of {outcome.Analyses.Count}); Semantic Kernel: {answer.Content}");
await host.StopAsync();
