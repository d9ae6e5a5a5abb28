using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;
using AgentRouter.Core.Presets;

namespace AgentRouter.Core.Tests.Presets;

/// <summary>Policy parameters are read into typed records once, when a preset loads; policies are built from the
/// records, so building one parses nothing and cannot fail on a parameter.</summary>
public sealed class TypedPolicyParametersTests
{
    [Fact]
    public void A_preset_keeps_its_parameters_typed_with_the_defaults_filled_in()
    {
        var preset = PolicyPresetLoader.Parse("""{ "policy": "ema", "parameters": { "alpha": 0.3, "costWeight": 0.2 } }""", "ema.json");

        var parameters = Assert.IsType<EmaParameters>(preset.TypedParameters);
        Assert.Equal(0.3, parameters.Estimates.Alpha);
        Assert.Equal(0.2, parameters.CostWeight);
        Assert.Equal(0.9, parameters.Estimates.ColdStability);
        Assert.Equal(5000, parameters.LatencyRefMs);
        Assert.Null(parameters.CostRef);
    }

    [Fact]
    public void Policies_built_from_a_preset_do_not_read_its_json_again()
    {
        var preset = PolicyPresetLoader.Parse("""{ "policy": "ema", "parameters": { "alpha": 0.3 } }""", "ema.json");

        // Spoiling the JSON after load changes nothing: the policy takes the parameters read at load.
        preset.Parameters!["alpha"] = "not a number";
        preset.Parameters["unknown"] = 1;
        var policy = preset.CreatePolicy();
        var viaSettings = PolicyCatalog.Create(preset.Policy, preset.ToSettings(seed: 7));

        Assert.Contains("α=0.3", policy.Select(Query(), Candidates(), 1).Rule, StringComparison.Ordinal);
        Assert.Contains("α=0.3", viaSettings.Select(Query(), Candidates(), 1).Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sweep_cost_weight_still_overrides_the_typed_one()
    {
        var preset = PolicyPresetLoader.Parse("""{ "policy": "ucb1", "parameters": { "costWeight": 0.2 } }""", "ucb1.json");

        var swept = Assert.IsType<Ucb1Policy>(preset.CreatePolicy(costWeight: 0.7));
        var own = Assert.IsType<Ucb1Policy>(preset.CreatePolicy());

        Assert.Equal(0.7, swept.Weights.CostWeight);
        Assert.Equal(0.2, own.Weights.CostWeight);
    }

    [Fact]
    public void Every_policy_reads_an_empty_object_to_its_defaults_and_builds_from_them()
    {
        foreach (var name in PolicyCatalog.Names)
        {
            var parameters = PolicyCatalog.ReadParameters(name, []);
            var policy = PolicyCatalog.Create(name, new PolicySettings { TypedParameters = parameters });
            Assert.Equal(name, policy.Name, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Parameters_of_another_policy_are_refused()
    {
        var settings = new PolicySettings { TypedParameters = PolicyCatalog.ReadParameters("ema", null) };

        var error = Assert.Throws<ArgumentException>(() => PolicyCatalog.Create("ucb1", settings));

        Assert.Contains("Ucb1Parameters", error.Message, StringComparison.Ordinal);
        Assert.Contains("EmaParameters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_router_file_is_a_field_error_at_load()
    {
        var json = new JsonObject { ["policy"] = "contextual", ["parameters"] = new JsonObject { ["routerFile"] = "/no/such/router.json" } };

        var error = Assert.Throws<PolicyPresetException>(() => PolicyPresetLoader.Parse(json.ToJsonString(), "ctx.json"));

        Assert.Equal("parameters.routerFile", error.Field);
        Assert.Contains("/no/such/router.json", error.Message, StringComparison.Ordinal);
    }

    private static Domain.Query Query() => new("q1", "question", TaskType: "t");

    private static Domain.Candidate[] Candidates() =>
        [new(Domain.AgentProfile.Simple("a", latencyMs: 100)), new(Domain.AgentProfile.Simple("b", latencyMs: 100))];
}
