namespace AgentRouter.Core.Policies;

/// <summary>One policy's parameters, typed: read once from a preset's <c>parameters</c> object (every range checked,
/// unknown names refused) by the policy's entry in <see cref="PolicyCatalog"/>, then handed to the policy as they are,
/// so that building a policy parses nothing.</summary>
public abstract record PolicyParameters;

/// <summary>The parameters of a policy that takes none (all, least-loaded, random, round-robin).</summary>
public sealed record NoParameters : PolicyParameters
{
    public static NoParameters Instance { get; } = new();

    internal static NoParameters Read(ParameterReader reader) => Instance;
}

/// <summary><c>fixed</c>: the agent to send every query to; null for the first candidate.</summary>
public sealed record FixedParameters(string? Agent) : PolicyParameters
{
    internal static FixedParameters Read(ParameterReader reader) => new(reader.String("agent", null));
}
