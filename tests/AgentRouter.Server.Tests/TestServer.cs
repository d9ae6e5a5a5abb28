using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Server.Tests;

/// <summary>A real server on a free loopback port (Kestrel, port 0) with the built-in simulated agents.</summary>
internal static class TestServer
{
    public static Task<AgentRouterServer> StartAsync(Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions { BuiltInAgents = true, PoliciesDirectory = RepositoryPath("policies"), DashboardInterval = TimeSpan.FromMilliseconds(200) };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        configure?.Invoke(options);
        return AgentRouterServer.StartAsync(options);
    }

    public static HttpClient Client(AgentRouterServer server, string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
        }

        return client;
    }

    public static Uri V1(AgentRouterServer server) => new(server.BaseAddress, "/v1");

    public static async Task<JsonElement> PostJsonAsync(HttpClient client, string path, string json, int expectedStatus = 200)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"POST {path} gave {(int)response.StatusCode}, expected {expectedStatus}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Chat(string model, string content, string? taskType = null) =>
        JsonSerializer.Serialize(new
        {
            model,
            messages = new[] { new { role = "user", content } },
            agentrouter = taskType is null ? null : new { task_type = taskType },
        });

    /// <summary>The repository root: the first directory above the test binaries holding AgentRouter.sln.</summary>
    public static string RepositoryPath(params string[] parts)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return Path.Combine([directory.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("AgentRouter.sln not found above " + AppContext.BaseDirectory);
    }
}
