using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

public class ParameterValidationTests
{
    [Theory]
    [InlineData("ema", """{ "alpha": 0 }""", "alpha")]
    [InlineData("ema", """{ "alpha": 1.5 }""", "alpha")]
    [InlineData("ema", """{ "alpha": "0.2" }""", "alpha")]
    [InlineData("ema", """{ "perTaskType": 1 }""", "perTaskType")]
    [InlineData("ema-lex", """{ "costWeight": 1 }""", "costWeight")]
    [InlineData("pheromone", """{ "rho": -0.1 }""", "rho")]
    [InlineData("pheromone", """{ "tau0": 20 }""", "tau0")]
    [InlineData("pheromone", """{ "clusters": 2.5 }""", "clusters")]
    [InlineData("pheromone", """{ "synchronousUpdates": "yes" }""", "synchronousUpdates")]
    [InlineData("ucb1", """{ "exploration": 1 }""", "exploration")]
    [InlineData("ucb1", """{ "c": null }""", "c")]
    [InlineData("thompson", """{ "priorAlpha": 0 }""", "priorAlpha")]
    [InlineData("epsilon", """{ "decay": 0 }""", "decay")]
    [InlineData("epsilon", """{ "epsilon0": 2 }""", "epsilon0")]
    [InlineData("linucb", """{ "alpha": true }""", "alpha")]
    [InlineData("linucb", """{ "ridge": 0 }""", "ridge")]
    [InlineData("fixed", """{ "agent": 3 }""", "agent")]
    [InlineData("round-robin", """{ "start": 1 }""", "start")]
    [InlineData("random", """{ "bias": 1 }""", "bias")]
    public void Bad_parameters_raise_an_argument_exception_naming_the_parameter(string policy, string parameters, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            PolicyCatalog.Create(policy, new PolicySettings(1, null, JsonNode.Parse(parameters)!.AsObject())));
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(parameter, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_cost_weight_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => PolicyCatalog.Create("ucb1", new PolicySettings(1, -1)));
        Assert.Equal("costWeight", error.ParamName);
    }

    [Fact]
    public void Valid_parameters_are_accepted_whatever_numeric_type_built_them()
    {
        var policy = PolicyCatalog.Create("pheromone", new PolicySettings(1, null,
            new JsonObject { ["alpha"] = 2, ["rho"] = 0.2f, ["clusters"] = 4L, ["q0"] = 0.5m }));
        Assert.Equal("pheromone", policy.Name);
    }
}
