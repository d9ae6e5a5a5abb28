// Semantic Kernel with the router as its chat completion service, in-process (no HTTP): two simulated agents.
using AgentRouter.Actors;
using AgentRouter.Actors.Runtime;
using AgentRouter.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAgentRouter(options =>
{
    options.AddAgent(AgentRouterOptions.Manifest("model-a"));
    options.AddAgent(AgentRouterOptions.Manifest("model-b"));
});
using var host = builder.Build();
await host.StartAsync();

Kernel kernel = Kernel.CreateBuilder()
    .AddAgentRouterChatCompletion(host.Services.GetRequiredService<IAgentRouter>())
    .Build();
var chat = kernel.GetRequiredService<IChatCompletionService>();
var reply = await chat.GetChatMessageContentAsync("Which is prime?\nA) 4\nB) 7\nC) 9\nD) 12");
Console.WriteLine($"router's answer: {reply.Content}");
await host.StopAsync();
