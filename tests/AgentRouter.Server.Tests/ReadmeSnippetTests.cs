using System.Text.RegularExpressions;
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Runtime;
using AgentRouter.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace AgentRouter.Server.Tests;

/// <summary>The in-process Semantic Kernel / Microsoft.Extensions.AI snippet of README.md and docs/SERVER.md,
/// compiled and run here; a second test checks that both documents still show exactly this code.</summary>
public sealed partial class ReadmeSnippetTests
{
    [Fact]
    public async Task The_documented_snippet_routes_in_process()
    {
        // snippet-begin
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
        // snippet-end

        Assert.Contains(reply.Text, new[] { "A", "B", "C", "D" });
        Assert.Equal(reply.ResponseId, outcome.QueryId);
        Assert.Equal(2, outcome.Analyses.Count);
        Assert.Equal(2, outcome.Answer.Votes.Values.Sum()); // the options were read from the prompt, so the panel voted
        Assert.False(string.IsNullOrEmpty(answer.Content));
        await host.StopAsync();
    }

    [GeneratedRegex("```csharp\\n(?:using [^\\n]*\\n|\\n)*(?<code>var builder = Host.CreateApplicationBuilder.*?)```", RegexOptions.Singleline)]
    private static partial Regex DocumentedSnippet();

    [Fact]
    public void The_document_shows_the_tested_snippet()
    {
        // The repository path, not [CallerFilePath]: CI builds set ContinuousIntegrationBuild, which maps source paths to /_/.
        var source = File.ReadAllText(TestServer.RepositoryPath("tests", "AgentRouter.Server.Tests", "ReadmeSnippetTests.cs"));
        var begin = source.IndexOf("// snippet-begin", StringComparison.Ordinal);
        var end = source.IndexOf("// snippet-end", begin, StringComparison.Ordinal);
        var tested = Normalise(source[(source.IndexOf('\n', begin) + 1)..end]);
        foreach (var file in new[] { TestServer.RepositoryPath("docs", "SERVER.md"), TestServer.RepositoryPath("README.md") })
        {
            var document = DocumentedSnippet().Match(File.ReadAllText(file));
            Assert.True(document.Success, $"{file} lacks the in-process snippet");
            Assert.Equal(tested, Normalise(document.Groups["code"].Value));
        }
    }

    private static string Normalise(string code) =>
        string.Join("\n", code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

}
