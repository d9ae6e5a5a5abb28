using AgentRouter.Core.Presets;

namespace AgentRouter.Core.Tests.Presets;

public sealed class PolicyPresetLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agentrouter-presets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_directory, name + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    public static TheoryData<string, string> BadPresets() => new()
    {
        { """{ "policy": "nope" }""", "policy" },
        { """{ "seed": 1 }""", "policy" },
        { """{ "policy": 3 }""", "policy" },
        { """{ "policy": "ucb1", "parameters": { "bogus": 1 } }""", "parameters.bogus" },
        { """{ "policy": "ucb1", "parameters": { "c": "wide" } }""", "parameters.c" },
        { """{ "policy": "ema", "parameters": { "alpha": 0 } }""", "parameters.alpha" },
        { """{ "policy": "ema", "parameters": { "alpha": 1.01 } }""", "parameters.alpha" },
        { """{ "policy": "pheromone", "parameters": { "rho": -0.5 } }""", "parameters.rho" },
        { """{ "policy": "ucb1", "parameters": [1, 2] }""", "parameters" },
        { """{ "policy": "ucb1", "seed": 1.5 }""", "seed" },
        { """{ "policy": "ucb1", "costWeight": -1 }""", "costWeight" },
        { """{ "policy": "ucb1", "costweight": 1 }""", "costweight" },
        // Issue 16 probe 5: accepted once, then overflowed at serving time.
        { """{ "policy": "pheromone", "parameters": { "alpha": 1e308 } }""", "parameters.alpha" },
        { """{ "policy": "pheromone", "parameters": { "beta": 1e308 } }""", "parameters.beta" },
        { """{ "policy": "pheromone", "parameters": { "tauMax": 1e308 } }""", "parameters.tauMax" },
        { """{ "policy": "linucb", "parameters": { "ridge": 1e-320 } }""", "parameters.ridge" },
        { """{ "policy": "ema", "parameters": { "latencyRefMs": 1e300 } }""", "parameters.latencyRefMs" },
    };

    [Theory]
    [MemberData(nameof(BadPresets))]
    public void Errors_name_the_file_and_the_field(string json, string field)
    {
        var path = Write("bad", json);
        var error = Assert.Throws<PolicyPresetException>(() => PolicyPresetLoader.LoadFile(path));
        Assert.Equal(path, error.File);
        Assert.Equal(field, error.Field);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_names_the_file_and_the_line()
    {
        var path = Write("broken", "{\n  \"policy\": \"ucb1\",\n  \"seed\": \n}");
        var error = Assert.Throws<PolicyPresetException>(() => PolicyPresetLoader.LoadFile(path));
        Assert.Equal(path, error.File);
        Assert.Null(error.Field);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Presets_load_by_name_from_the_directory_or_by_path()
    {
        var path = Write("cheap-linucb", """{ "policy": "linucb", "seed": 9, "costWeight": 0.5, "parameters": { "alpha": 0.3 } }""");
        var byName = PolicyPresetLoader.Load("cheap-linucb", _directory);
        var byPath = PolicyPresetLoader.Load(path, "/nonexistent");
        Assert.Equal(byName with { Source = "" }, byPath with { Source = "" }, PresetComparer);
        Assert.Equal("linucb", byName.Policy);
        Assert.Equal(9, byName.Seed);
        Assert.Equal(0.5, byName.CostWeight);
        Assert.Equal(0.3, (double)byName.Parameters!["alpha"]!);
        Assert.Equal("linucb", byName.CreatePolicy().Name);
    }

    [Fact]
    public void An_unknown_preset_name_lists_the_known_ones()
    {
        Write("ucb1", """{ "policy": "ucb1" }""");
        var error = Assert.Throws<PolicyPresetException>(() => PolicyPresetLoader.Load("missing", _directory));
        Assert.Contains("ucb1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shipped_preset_loads_and_builds_its_policy()
    {
        var directory = PolicyPresetLoader.DefaultDirectory(AppContext.BaseDirectory);
        var files = Directory.GetFiles(directory, "*.json");
        Assert.True(files.Length >= 5, $"expected the shipped presets in {directory}");
        foreach (var file in files)
        {
            var preset = PolicyPresetLoader.LoadFile(file);
            Assert.Equal(preset.Policy, preset.CreatePolicy().Name, ignoreCase: true);
        }

        foreach (var name in new[] { "ema-orch", "pheromone-amro", "linucb-cost", "ucb1", "thompson" })
        {
            Assert.NotNull(PolicyPresetLoader.Load(name, directory));
        }
    }

    [Fact]
    public void Without_a_local_policies_folder_the_presets_shipped_beside_the_program_are_used()
    {
        // _directory has no policies/ folder and no solution file above it that matters: nothing walks up.
        var directory = PolicyPresetLoader.DefaultDirectory(_directory);

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "policies"), directory);
        Assert.True(File.Exists(Path.Combine(directory, "ema-orch.json")));

        Directory.CreateDirectory(Path.Combine(_directory, "policies"));
        Assert.Equal(Path.Combine(_directory, "policies"), PolicyPresetLoader.DefaultDirectory(_directory));
    }

    private static readonly IEqualityComparer<PolicyPreset> PresetComparer = EqualityComparer<PolicyPreset>.Create(
        (a, b) => a!.Policy == b!.Policy && a.Seed == b.Seed && a.CostWeight == b.CostWeight
            && a.Parameters?.ToJsonString() == b.Parameters?.ToJsonString(),
        p => p.Policy.GetHashCode(StringComparison.Ordinal));
}
