using AgentRouter.Core.Configuration;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Presets;
using Microsoft.Extensions.Configuration;

namespace AgentRouter.Core.Tests.Configuration;

/// <summary>AGENTROUTER_* variables reach typed settings through Microsoft.Extensions.Configuration's binder.</summary>
public sealed class AgentRouterEnvironmentTests
{
    private static AgentRouterSettings Settings(params (string Key, string Value)[] values) =>
        AgentRouterSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void A_process_environment_variable_reaches_its_typed_setting()
    {
        // DATA_CACHE is read only by the CLI's data fetcher, so no other test in this process depends on it.
        var variable = AgentRouterEnvironment.VariableOf("DATA_CACHE");
        var value = Path.Combine(Path.GetTempPath(), "agentrouter-env-" + Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            Assert.Equal("AGENTROUTER_DATA_CACHE", variable);
            Assert.Equal(value, AgentRouterSettings.FromEnvironment().DataCache);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }

        Assert.Null(AgentRouterSettings.FromEnvironment().DataCache);
    }

    [Fact]
    public void Configuration_values_bind_to_typed_properties_by_their_variable_names()
    {
        var settings = Settings(("POLICIES", "/srv/presets"), ("EMBEDDING_CACHE", "/srv/embeddings"), ("API_KEYS", " k1, ,k2 "), ("MODEL_MEMORY_BUDGET_MB", "512"), ("DEVICE", "cpu"));

        Assert.Equal("/srv/presets", settings.Policies);
        Assert.Equal("/srv/embeddings", settings.EmbeddingCache);
        Assert.Equal(["k1", "k2"], AgentRouterEnvironment.List(settings.ApiKeys));
        Assert.Equal(512L, settings.ModelMemoryBudgetMebibytes);
        Assert.Equal("cpu", settings.Device);
    }

    [Fact]
    public void Settings_reach_the_code_that_uses_them()
    {
        var settings = Settings(("POLICIES", "/srv/presets"), ("EMBEDDING_CACHE", "/srv/embeddings"));

        Assert.Equal("/srv/presets", PolicyPresetLoader.DefaultDirectory(Path.GetTempPath(), settings));
        Assert.Equal("/srv/embeddings", EmbeddingCache.DirectoryFrom(settings));
        Assert.NotEqual("/srv/presets", PolicyPresetLoader.DefaultDirectory(Path.GetTempPath(), Settings()));
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_error_naming_its_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(("MODEL_MEMORY_BUDGET_MB", "lots")));

        Assert.Contains("MODEL_MEMORY_BUDGET_MB", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("environment (AGENTROUTER_<key>)", error.Message, StringComparison.Ordinal);
    }
}
