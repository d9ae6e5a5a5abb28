using AgentRouter.Core.Agents;

namespace AgentRouter.Core.Tests.Agents;

public sealed class AgentManifestLoaderTests
{
    private static ManifestLoadResult Parse(string json) => AgentManifestLoader.Parse(json, "agents/x.json");

    [Fact]
    public void A_name_over_the_limit_is_refused_without_echoing_it()
    {
        var result = Parse($$"""{ "name": "{{new string('a', 100_000)}}", "backend": "simulated" }""");
        Assert.Empty(result.Manifests);
        var error = Assert.Single(result.Errors);
        Assert.Equal("name", error.Field);
        Assert.Contains("limit is 128", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 200, error.Message);
    }

    [Fact]
    public void Reads_every_field()
    {
        var result = Parse("""
            { "name": "big-1", "backend": "simulated", "tags": ["large"], "cost": { "perCall": 0.5, "perOutputToken": 0.001 },
              "expectedLatencyMs": 250, "capacity": 3, "queueLimit": 9, "weightsId": "base+lora", "settings": { "skill": 0.9 } }
            """);
        Assert.Empty(result.Errors);
        var manifest = Assert.Single(result.Manifests);
        Assert.Equal(("big-1", "simulated", 250.0, 3, 9, "base+lora"), (manifest.Name, manifest.Backend, manifest.ExpectedLatencyMs, manifest.Capacity, manifest.QueueLimit, manifest.WeightsId));
        Assert.Equal(0.5, manifest.Cost.PerCall);
        Assert.Equal(0.001, manifest.Cost.PerOutputToken);
        Assert.Equal(["large"], manifest.Tags);
        Assert.Equal(0.9, (double)manifest.Settings["skill"]!);
        Assert.Equal("base+lora", manifest.ToProfile().WeightsId);
    }

    [Theory]
    [InlineData("""{ "backend": "simulated" }""", "name", "is required")]
    [InlineData("""{ "name": "a b", "backend": "simulated" }""", "name", "may contain only")]
    [InlineData("""{ "name": "a" }""", "backend", "is required")]
    [InlineData("""{ "name": "a", "backend": "simulated", "capacity": 1.5 }""", "capacity", "whole number")]
    [InlineData("""{ "name": "a", "backend": "simulated", "queueLimit": -1 }""", "queueLimit", "in [0, 1000000]")]
    [InlineData("""{ "name": "a", "backend": "simulated", "expectedLatencyMs": 0 }""", "expectedLatencyMs", "in (0, 3600000]")]
    [InlineData("""{ "name": "a", "backend": "simulated", "cost": { "perCall": -1 } }""", "cost.perCall", "in [0, 1000]")]
    [InlineData("""{ "name": "a", "backend": "simulated", "cost": { "perCal": 1 } }""", "cost.perCal", "unknown field")]
    [InlineData("""{ "name": "a", "backend": "simulated", "tags": ["ok", 3] }""", "tags[1]", "non-empty string")]
    [InlineData("""{ "name": "a", "backend": "simulated", "settings": [] }""", "settings", "must be an object")]
    [InlineData("""{ "name": "a", "backend": "simulated", "capacty": 2 }""", "capacty", "unknown field")]
    // Issue 16 probe 5: values that passed the lower bounds and then broke serving (infinite cost, TimeSpan overflow).
    [InlineData("""{ "name": "a", "backend": "simulated", "cost": { "perCall": 1e308 } }""", "cost.perCall", "in [0, 1000]")]
    [InlineData("""{ "name": "a", "backend": "simulated", "cost": { "perOutputToken": 5 } }""", "cost.perOutputToken", "in [0, 1]")]
    [InlineData("""{ "name": "a", "backend": "simulated", "expectedLatencyMs": 1e308 }""", "expectedLatencyMs", "in (0, 3600000]")]
    [InlineData("""{ "name": "a", "backend": "simulated", "capacity": 2147483647 }""", "capacity", "4096")]
    [InlineData("""{ "name": "a", "backend": "simulated", "queueLimit": 2147483647 }""", "queueLimit", "1000000")]
    public void Errors_name_the_field(string json, string field, string message)
    {
        var result = Parse(json);
        Assert.Empty(result.Manifests);
        var error = Assert.Single(result.Errors);
        Assert.Equal(("agents/x.json", field), (error.File, error.Field));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var error = Assert.Single(Parse("{\n  \"name\": \"a\",\n  oops\n}").Errors);
        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void A_directory_reports_duplicates_and_refuses_to_be_empty()
    {
        var directory = Directory.CreateTempSubdirectory("manifests-").FullName;
        try
        {
            Assert.Throws<ManifestValidationException>(() => AgentManifestLoader.LoadDirectoryOrThrow(directory));
            File.WriteAllText(Path.Combine(directory, "1.json"), """{ "name": "a", "backend": "simulated" }""");
            File.WriteAllText(Path.Combine(directory, "2.json"), """{ "name": "a", "backend": "simulated" }""");
            var result = AgentManifestLoader.LoadDirectory(directory);
            Assert.Single(result.Manifests);
            var duplicate = Assert.Single(result.Errors);
            Assert.EndsWith("2.json", duplicate.File, StringComparison.Ordinal);
            Assert.Equal("name", duplicate.Field);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_shipped_simulated_agents_are_valid()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AgentRouter.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var manifests = AgentManifestLoader.LoadDirectoryOrThrow(Path.Combine(root.FullName, "agents", "simulated"));
        Assert.True(manifests.Count >= 3);
        Assert.All(manifests, m => Assert.Equal("simulated", m.Backend));
    }
}
