using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>How to build a policy.</summary>
/// <param name="Seed">Seed for every random choice the policy makes.</param>
/// <param name="CostWeight">Overrides the policy's own cost-penalty weight (λ_cost); the replay AIQ
/// sweep varies this to trace a policy's cost/quality curve. Null keeps the policy's default.</param>
/// <param name="Parameters">Policy-specific parameters by name (as in a preset file); unknown names are errors.</param>
public sealed record PolicySettings(int Seed = 1, double? CostWeight = null, JsonObject? Parameters = null)
{
    /// <summary>The parameters already read and checked (by a preset, at load): when set, policies are built from them
    /// and <see cref="Parameters"/> is not read again. Set only by this library, so that they are always checked ones.</summary>
    public PolicyParameters? TypedParameters { get; internal init; }
}
