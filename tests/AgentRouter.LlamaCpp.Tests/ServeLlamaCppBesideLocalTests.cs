using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentRouter.Hosting;
using AgentRouter.Inference.Gguf;
using AgentRouter.Server.Hosting;

namespace AgentRouter.LlamaCpp.Tests;

/// <summary>A <c>llamacpp</c> agent and a shipped <c>local</c> MoE agent served side by side by <c>serve</c>'s composition,
/// over real loopback HTTP: each answers when called directly, and both sit in one router panel.</summary>
public sealed class ServeLlamaCppBesideLocalTests
{
    [Fact]
    public async Task LlamaCppAndLocalAgentsServeInOnePanel()
    {
        using var folder = new TemporaryFolder();
        var checkpoint = TestCheckpoints.Random(GgufParityTests.ExportableConfig(Inference.Configuration.ModelArchitecture.Qwen3Moe) with
        {
            VocabSize = ChatMlTokenizerFiles.Size, MaxPositionEmbeddings = 512,
        }, folder.Combine("model"), seed: 11);
        ChatMlTokenizerFiles.WriteInto(checkpoint);
        var gguf = folder.Combine("chat.gguf");
        GgufExporter.Export(checkpoint, gguf, new GgufExportOptions());
        var agents = Directory.CreateDirectory(folder.Combine("agents")).FullName;
        var shippedModel = Path.Combine(TestCheckpoints.RepositoryRoot(), "agents", "mixtral-arithmetic", "model");
        File.WriteAllText(Path.Combine(agents, "mixtral-arithmetic.json"), new JsonObject
        {
            ["name"] = "mixtral-arithmetic", ["backend"] = "local", ["expectedLatencyMs"] = 5000.0, ["capacity"] = 1, ["queueLimit"] = 16,
            ["settings"] = new JsonObject { ["modelPath"] = shippedModel },
        }.ToJsonString());
        File.WriteAllText(Path.Combine(agents, "chat-llamacpp.json"), new JsonObject
        {
            ["name"] = "chat-llamacpp", ["backend"] = "llamacpp", ["expectedLatencyMs"] = 5000.0, ["capacity"] = 1, ["queueLimit"] = 16,
            ["settings"] = new JsonObject { ["modelPath"] = gguf, ["maxTokens"] = 6, ["contextSize"] = 256 },
        }.ToJsonString());
        var options = new ServerOptions { AgentsDirectory = agents, PoliciesDirectory = Path.Combine(TestCheckpoints.RepositoryRoot(), "policies") };
        options.Urls.Clear();
        options.Urls.Add("http://127.0.0.1:0");
        await using var server = await AgentRouterHost.StartServerAsync(options);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

        var direct = await ChatAsync(http, "chat-llamacpp", "What is 2 + 3?");
        Assert.Equal([("chat-llamacpp", "succeeded")], Analyses(direct));
        var again = await ChatAsync(http, "chat-llamacpp", "And 4 + 4?");
        Assert.Equal([("chat-llamacpp", "succeeded")], Analyses(again));

        var routed = await ChatAsync(http, "router", "What is 2 + 3?");
        var panel = Analyses(routed);
        Assert.Contains(("chat-llamacpp", "succeeded"), panel);
        Assert.Contains(("mixtral-arithmetic", "succeeded"), panel);
    }

    private static async Task<JsonNode> ChatAsync(HttpClient http, string model, string content)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/v1/chat/completions", UriKind.Relative), new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"model '{model}': HTTP {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static List<(string Agent, string Status)> Analyses(JsonNode completion) =>
        [.. completion["agentrouter"]!["analyses"]!.AsArray().Select(a => (a!["agent"]!.GetValue<string>(), a["status"]!.GetValue<string>()))];
}
