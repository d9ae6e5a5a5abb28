using AgentRouter.Actors.Protocol;
using AgentRouter.Actors.Routing;
using AgentRouter.Actors.Runtime;
using AgentRouter.Actors.Tests.Doubles;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentRouter.Actors.Tests;

/// <summary>The embedding API end to end: AddAgentRouter on a host, manifests and presets checked at start-up.</summary>
public sealed class RuntimeSpec : IDisposable
{
    private static readonly string[] Abcd = ["A", "B", "C", "D"];
    private readonly string _scratch = Directory.CreateTempSubdirectory("agentrouter-runtime-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static IHost Host(Action<AgentRouterOptions> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddAgentRouter(configure)
            .AddMergeStrategy("majority", () => new TestMajorityMerge())
            .AddMergeStrategy("throwing", () => TestMajorityMerge.Resolve("throwing"));
        return builder.Build();
    }

    [Fact]
    public async Task Asks_streams_and_takes_feedback_through_the_hosted_router()
    {
        using var host = Host(options =>
        {
            options.AgentsDirectory = RepositoryPaths.SimulatedAgents;
            options.PoliciesDirectory = RepositoryPaths.Policies;
            options.AddRouterFromPreset(new RouterSettings("orch", PanelSize: 3), "ema-orch");
            options.AddRouter(new RouterSettings("explorer", PanelSize: 2), "ucb1");
        });
        await host.StartAsync();
        var router = host.Services.GetRequiredService<IAgentRouter>();

        var answered = await router.AskAsync(new Query("q-1", "Which planet is largest?", Options: Abcd));
        Assert.Equal("orch", answered.Router);
        Assert.Equal(3, answered.Analyses.Count);
        Assert.Equal("ema", answered.Decision.Policy);
        Assert.NotNull(answered.Answer.Choice);

        var accepted = await router.SubmitFeedbackAsync("q-1", new FeedbackSignal.CorrectChoice("B"));
        Assert.True(accepted.Accepted, accepted.Message);
        Assert.Equal("orch", accepted.Router);
        var repeated = await router.SubmitFeedbackAsync("q-1", new FeedbackSignal.CorrectChoice("B"));
        Assert.Equal(FeedbackRejection.Duplicate, repeated.Rejection);
        var unknown = await router.SubmitFeedbackAsync("never-asked", new FeedbackSignal.CorrectChoice("B"));
        Assert.Equal(FeedbackRejection.UnknownQuery, unknown.Rejection);

        var events = new List<RouterEvent>();
        await foreach (var item in router.StreamAsync(new Query("q-2", "Stream me", Options: Abcd), new AskOptions(Router: "explorer")))
        {
            events.Add(item);
        }

        Assert.IsType<RouterEvent.Decided>(events[0]);
        Assert.Equal(2, events.OfType<RouterEvent.AgentAnswered>().Count());
        Assert.NotEmpty(events.OfType<RouterEvent.Token>());
        var finished = Assert.Single(events.OfType<RouterEvent.Finished>());
        Assert.Same(finished, events[^1]);
        Assert.Equal("explorer", finished.Outcome.Router);
        await host.StopAsync();
    }

    [Fact]
    public async Task Caller_cancellation_propagates_to_the_agents()
    {
        var hanging = new ScriptedBackend(new Step.Hang());
        using var host = Host(options =>
        {
            options.AddAgent(AgentRouterOptions.Manifest("h1", "scripted"), hanging);
            options.AddAgent(AgentRouterOptions.Manifest("h2", "scripted"), hanging);
            options.AddRouter(new RouterSettings("default", PanelSize: 2), "random");
        });
        await host.StartAsync();
        var router = host.Services.GetRequiredService<IAgentRouter>();
        using var cancellation = new CancellationTokenSource();
        var ask = router.AskAsync(new Query("q-1", "never answered", Options: Abcd), cancellationToken: cancellation.Token);
        await WaitUntil(() => hanging.Calls == 2);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        await WaitUntil(() => hanging.Cancellations == 2);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_failed_query_surfaces_as_a_typed_exception()
    {
        using var host = Host(options =>
        {
            options.AddAgent(AgentRouterOptions.Manifest("broken", "scripted"), new ScriptedBackend(new Step.Fail("model unavailable")));
            options.AddRouter(new RouterSettings("default", PanelSize: 1, MaxRetries: 0), "random");
        });
        await host.StartAsync();
        var router = host.Services.GetRequiredService<IAgentRouter>();
        var error = await Assert.ThrowsAsync<QueryFailedException>(() => router.AskAsync(new Query("q-1", "?", Options: Abcd)));
        Assert.Equal(QueryFailureReason.AllAgentsFailed, error.Failure.Reason);
        Assert.Contains("model unavailable", error.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task Invalid_manifests_fail_start_up_naming_file_and_field()
    {
        File.WriteAllText(Path.Combine(_scratch, "bad-capacity.json"), """{ "name": "a", "backend": "simulated", "capacity": 0 }""");
        File.WriteAllText(Path.Combine(_scratch, "bad-setting.json"), """{ "name": "b", "backend": "simulated", "settings": { "crashRate": 2 } }""");
        File.WriteAllText(Path.Combine(_scratch, "bad-kind.json"), """{ "name": "c", "backend": "quantum" }""");
        File.WriteAllText(Path.Combine(_scratch, "good.json"), """{ "name": "d", "backend": "simulated" }""");
        using var host = Host(options => options.AgentsDirectory = _scratch);

        var error = await Assert.ThrowsAsync<ManifestValidationException>(() => host.StartAsync());
        Assert.Contains(error.Errors, e => e.File.EndsWith("bad-capacity.json", StringComparison.Ordinal) && e.Field == "capacity");
        Assert.Contains(error.Errors, e => e.File.EndsWith("bad-setting.json", StringComparison.Ordinal) && e.Field == "settings.crashRate");
        Assert.Contains(error.Errors, e => e.File.EndsWith("bad-kind.json", StringComparison.Ordinal) && e.Field == "backend" && e.Message.Contains("quantum", StringComparison.Ordinal));
        Assert.Equal(3, error.Errors.Count);
    }

    [Fact]
    public async Task Refuses_to_start_with_zero_agents()
    {
        using var host = Host(options => options.AgentsDirectory = _scratch);
        var error = await Assert.ThrowsAsync<ManifestValidationException>(() => host.StartAsync());
        Assert.Contains("zero agents", error.Message);
    }

    [Fact]
    public async Task Unknown_policies_and_invalid_presets_fail_start_up()
    {
        var presets = Directory.CreateDirectory(Path.Combine(_scratch, "policies")).FullName;
        File.WriteAllText(Path.Combine(presets, "broken.json"), """{ "policy": "ema", "parameters": { "alpha": 7 } }""");
        using var host = Host(options =>
        {
            options.AgentsDirectory = RepositoryPaths.SimulatedAgents;
            options.PoliciesDirectory = presets;
            options.AddRouter(new RouterSettings("r1"), "no-such-policy");
        });
        var error = await Assert.ThrowsAsync<ManifestValidationException>(() => host.StartAsync());
        Assert.Contains(error.Errors, e => e.File.EndsWith("broken.json", StringComparison.Ordinal) && e.Field.Contains("alpha", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.File == "router 'r1'" && e.Field == "policy");
    }

    private static Task WaitUntil(Func<bool> condition)
    {
        Assert.True(SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(5)), "condition not reached within 5 s");
        return Task.CompletedTask;
    }
}
