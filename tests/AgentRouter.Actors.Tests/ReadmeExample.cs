// The README's "Embedding AgentRouter" example, verbatim between the markers, so that it always compiles
// and runs (ReadmeExampleTests). Keep the two in step.
using AgentRouter.Actors;
using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Featurization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentRouter.Actors.Tests;

internal static class ReadmeExample
{
    public static async Task<string> RunAsync(string agentsDirectory, string policiesDirectory)
    {
        // README:BEGIN
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentRouter(options =>
        {
            options.AgentsDirectory = agentsDirectory;     // agents/*.json, checked at start-up
            options.PoliciesDirectory = policiesDirectory; // policies/*.json presets
            options.AddRouterFromPreset(new RouterSettings("orch", PanelSize: 3, MergeStrategy: "majority"), "ema-orch");
        })
        .UseFeaturizer(new HashedNGramFeaturizer());            // the composition root: featurizer, backend kinds, merges, clock
        using var host = builder.Build();
        await host.StartAsync();

        var router = host.Services.GetRequiredService<IAgentRouter>();
        var query = new Query("q-42", "Which planet is the largest?", Options: ["A", "B", "C", "D"]);
        QueryAnswered answer = await router.AskAsync(query, new AskOptions(Deadline: TimeSpan.FromSeconds(5)));
        Console.WriteLine($"{answer.Answer.Choice}: {answer.Answer.Rationale}");
        foreach (var analysis in answer.Analyses)
        {
            Console.WriteLine($"  {analysis.Agent} said {analysis.Choice} ({analysis.Status}, {analysis.LatencyMs:0} ms)");
        }

        // Later, when the truth is known: the serving router's policy learns from it.
        FeedbackResult feedback = await router.SubmitFeedbackAsync("q-42", new FeedbackSignal.CorrectChoice("B"));
        Console.WriteLine(feedback.Accepted ? "feedback delivered" : $"feedback rejected: {feedback.Message}");

        await foreach (RouterEvent progress in router.StreamAsync(query with { Id = "q-43" }))
        {
            Console.WriteLine(progress); // Decided, Token..., AgentAnswered..., then one Finished
        }

        await host.StopAsync();
        // README:END
        return $"{answer.Answer.Choice}|{feedback.Accepted}";
    }
}

public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task The_readme_embedding_example_runs()
    {
        var result = await ReadmeExample.RunAsync(RepositoryPaths.SimulatedAgents, RepositoryPaths.Policies);
        Assert.Matches("^[ABCD]\\|True$", result);
    }

    [Fact]
    public void The_readme_shows_the_example_verbatim()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "AgentRouter.Actors.Tests", "ReadmeExample.cs"));
        var start = source.IndexOf("// README:BEGIN", StringComparison.Ordinal);
        var end = source.IndexOf("// README:END", StringComparison.Ordinal);
        var example = string.Join('\n', source[start..end].Split('\n').Skip(1).SkipLast(1).Select(line => line.Length >= 8 ? line[8..] : line.TrimStart()));
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        Assert.Contains(example.TrimEnd(), readme);
    }
}
