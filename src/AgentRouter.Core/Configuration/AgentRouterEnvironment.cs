using Microsoft.Extensions.Configuration;

namespace AgentRouter.Core.Configuration;

/// <summary>The product's environment overrides, through Microsoft.Extensions.Configuration: every
/// <c>AGENTROUTER_*</c> variable becomes the key after the prefix (<c>AGENTROUTER_POLICY_PRESET</c> →
/// <c>POLICY_PRESET</c>), and typed settings classes are bound from those keys by the standard binder
/// (<see cref="ConfigurationKeyNameAttribute"/> gives each property its documented variable name). Code that
/// reads a setting takes an <see cref="IConfiguration"/>, so tests and hosts pass their own instead of
/// changing the process environment.</summary>
public static class AgentRouterEnvironment
{
    public const string Prefix = "AGENTROUTER_";

    /// <summary>The process's <c>AGENTROUTER_*</c> variables, read now.</summary>
    public static IConfiguration Load() => new ConfigurationBuilder().AddEnvironmentVariables(Prefix).Build();

    /// <summary>The variable that sets <paramref name="key"/>.</summary>
    public static string VariableOf(string key) => Prefix + key;

    /// <summary>Binds <paramref name="configuration"/> (default: <see cref="Load"/>) to a new <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">A value does not convert to its property's type; the message
    /// names the key (the variable without its <see cref="Prefix"/>).</exception>
    public static T Bind<T>(IConfiguration? configuration = null)
        where T : class, new()
    {
        var settings = new T();
        try
        {
            (configuration ?? Load()).Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"environment ({Prefix}<key>): {e.Message}", e);
        }

        return settings;
    }

    /// <summary>A comma-separated list, trimmed, without empty entries.</summary>
    public static IReadOnlyList<string> List(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
