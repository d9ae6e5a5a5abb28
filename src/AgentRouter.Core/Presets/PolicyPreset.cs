using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Presets;

/// <summary>A named, reusable policy configuration, as stored in a <c>policies/*.json</c> file:
/// <c>{ "policy": "linucb", "seed": 1, "costWeight": 0.5, "parameters": { ... } }</c>.</summary>
/// <param name="Source">The file it was loaded from.</param>
/// <param name="TypedParameters">The parameters as read (and checked) once at load; every policy built from the preset
/// takes these.</param>
public sealed record PolicyPreset(string Policy, int Seed, double? CostWeight, JsonObject? Parameters, string Source, PolicyParameters TypedParameters)
{
    /// <summary>The settings this preset describes; <paramref name="seed"/> and <paramref name="costWeight"/>
    /// override the preset's own values when given (e.g. by a replay sweep). They carry the typed parameters, so building
    /// a policy from them reads nothing again.</summary>
    public PolicySettings ToSettings(int? seed = null, double? costWeight = null) =>
        new(seed ?? Seed, costWeight ?? CostWeight, Parameters?.DeepClone().AsObject()) { TypedParameters = TypedParameters };

    public IRoutingPolicy CreatePolicy(int? seed = null, double? costWeight = null) =>
        PolicyCatalog.Create(Policy, ToSettings(seed, costWeight));
}
