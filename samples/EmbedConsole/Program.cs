// The router embedded in a console app: three simulated agents declared in code, so it runs offline anywhere.
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Runtime;
using AgentRouter.Core.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAgentRouter(options =>
{
    options.AddAgent(AgentRouterOptions.Manifest("fast-small", expectedLatencyMs: 5));
    options.AddAgent(AgentRouterOptions.Manifest("careful-large", expectedLatencyMs: 20, costPerCall: 0.004));
    options.AddAgent(AgentRouterOptions.Manifest("cheap-guesser", expectedLatencyMs: 2));
});
using var host = builder.Build();
await host.StartAsync();

var router = host.Services.GetRequiredService<IAgentRouter>();
var query = new Query("q-1", "Which planet is the largest?\nA) Mars\nB) Jupiter\nC) Venus\nD) Earth", Options: ["A", "B", "C", "D"]);
QueryAnswered answer = await router.AskAsync(query, new AskOptions(PanelSize: 3, MergeStrategy: "majority"));

Console.WriteLine($"merged answer: {answer.Answer.Choice}");
foreach (var analysis in answer.Analyses)
{
    Console.WriteLine($"  {analysis.Agent}: {analysis.Choice} ({analysis.Status})");
}

// When the right answer is known, tell the router: its policy learns which agents to ask next time.
FeedbackResult feedback = await router.SubmitFeedbackAsync("q-1", new FeedbackSignal.CorrectChoice("B"));
Console.WriteLine(feedback.Accepted ? "feedback delivered" : $"feedback rejected: {feedback.Message}");
await host.StopAsync();
