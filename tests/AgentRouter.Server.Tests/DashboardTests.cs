using System.Text.Json;
using System.Text.RegularExpressions;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Server.Tests;

/// <summary>The live dashboard in headless Chromium while queries and feedback flow.</summary>
public sealed partial class DashboardTests : IAsyncLifetime
{
    private static readonly string[] TaskTypes = ["math", "code", "general"];
    private static readonly string[] Models = ["router:pheromone-amro", "router", "router:ucb1", "router:thompson"];

    private AgentRouterServer _server = null!;
    private HttpClient _http = null!;
    private readonly CancellationTokenSource _stop = new();
    private Task _traffic = Task.CompletedTask;
    private int _sent;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = TestServer.Client(_server);
        for (var i = 0; i < 40; i++)
        {
            await SendAsync(i);
        }

        _traffic = Task.Run(async () =>
        {
            // Paced at up to 200 queries a second so that Chromium, on the same 2 cores, gets its share.
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
            try
            {
                for (var i = 40; await pace.WaitForNextTickAsync(_stop.Token); i++)
                {
                    await SendAsync(i);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The test is over; any other failure of the traffic surfaces from DisposeAsync.
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _traffic;
        _http.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>One query with a task type, then feedback with the simulated agents' answer key.</summary>
    private async Task SendAsync(int i)
    {
        var body = JsonSerializer.Serialize(new
        {
            model = Models[i % Models.Length],
            messages = new[] { new { role = "user", content = $"Question {i}?\nA) one\nB) two\nC) three\nD) four" } },
            agentrouter = new { task_type = TaskTypes[i % TaskTypes.Length] },
        });
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/v1/chat/completions", content, _stop.Token);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_stop.Token));
        var id = answer.RootElement.GetProperty("id").GetString()!;
        var correct = SimulatedBackend.HashAnswerKey(new Query(id, "", Options: ["A", "B", "C", "D"]));
        using var feedback = new StringContent($$"""{"query_id":"{{id}}","choice":"{{correct}}"}""", System.Text.Encoding.UTF8, "application/json");
        using var accepted = await _http.PostAsync("/v1/feedback", feedback, _stop.Token);
        accepted.EnsureSuccessStatusCode();
        Interlocked.Increment(ref _sent);
    }

    [GeneratedRegex("<b id=\"(?<id>queries|updates|feedback)\">(?<value>[0-9]+)</b>")]
    private static partial Regex Counter();

    [Fact]
    public async Task The_page_shows_live_traffic_policy_values_and_history()
    {
        var url = new Uri(_server.BaseAddress, "/dashboard?updates=4");
        var sentBefore = Volatile.Read(ref _sent);
        var dom = await Chromium.RunAsync(["--virtual-time-budget=15000", "--dump-dom", url.ToString()], TimeSpan.FromSeconds(60));

        var counters = Counter().Matches(dom).ToDictionary(m => m.Groups["id"].Value, m => long.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(4, counters["updates"]);
        Assert.True(counters["queries"] >= sentBefore, $"the page shows {counters["queries"]} queries, {sentBefore} had been answered before it loaded");
        Assert.True(counters["feedback"] > 0);
        foreach (var agent in new[] { "sim-generalist", "sim-math", "sim-code", "sim-cheap" })
        {
            Assert.Contains($"<tr data-agent=\"{agent}\">", dom, StringComparison.Ordinal);
        }

        Assert.Contains("data-router=\"router:pheromone-amro\"", dom, StringComparison.Ordinal);
        Assert.Contains("data-router=\"router:ucb1\"", dom, StringComparison.Ordinal);
        Assert.Contains("<tr data-task=\"math\">", dom, StringComparison.Ordinal);
        Assert.Contains("<tr data-task=\"code\">", dom, StringComparison.Ordinal);
        Assert.Matches("id=\"accuracy-line\"[^>]*points=\"[0-9]", dom);
        Assert.Matches("class=\"cell\" style=\"background:hsl", dom);
    }

    [Fact]
    public async Task A_screenshot_of_the_live_page_renders()
    {
        var directory = Directory.CreateTempSubdirectory("agentrouter-shot-");
        try
        {
            var file = Path.Combine(directory.FullName, "dashboard.png");
            var url = new Uri(_server.BaseAddress, "/dashboard?updates=4");
            await Chromium.RunAsync(["--virtual-time-budget=15000", "--window-size=1400,1100", "--hide-scrollbars", "--screenshot=" + file, url.ToString()], TimeSpan.FromSeconds(60));
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.Length > 20_000, $"the screenshot is only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
            if (Environment.GetEnvironmentVariable("AGENTROUTER_DASHBOARD_SCREENSHOT") is { Length: > 0 } keep)
            {
                File.Copy(file, keep, overwrite: true);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
