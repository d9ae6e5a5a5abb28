using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentRouter.Server.Hosting;

namespace AgentRouter.Hosting.Tests;

internal static class Http
{
    public static ServerOptions Loopback(Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions { PoliciesDirectory = Repository.Path("policies") };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        configure?.Invoke(options);
        return options;
    }

    /// <summary>POSTs a one-message chat completion and returns the parsed 200 response (fails with the body otherwise).</summary>
    public static async Task<JsonNode> ChatAsync(AgentRouterServer server, string model, string content)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative), new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"model '{model}': HTTP {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static IReadOnlyList<(string Agent, string Status)> Analyses(JsonNode completion) =>
        [.. completion["agentrouter"]!["analyses"]!.AsArray().Select(a => (a!["agent"]!.GetValue<string>(), a["status"]!.GetValue<string>()))];
}
