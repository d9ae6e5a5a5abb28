using System.Reflection;
using Akka.Configuration;

namespace AgentRouter.Actors.Configuration;

/// <summary>The HOCON defaults a module embeds as <c>reference.conf</c>, read the way Akka's modules read
/// theirs (<see cref="ConfigurationFactory.FromResource(string, Assembly)"/>).</summary>
public static class ReferenceConfig
{
    /// <summary>The logical name every AgentRouter module gives its embedded defaults: <c>{assembly}.reference.conf</c>.</summary>
    public static string ResourceName(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetName().Name + ".reference.conf";
    }

    /// <summary>The embedded <c>reference.conf</c> of <paramref name="assembly"/>; a missing resource is a build error,
    /// reported as such rather than as an empty configuration.</summary>
    public static Config Load(Assembly assembly)
    {
        var name = ResourceName(assembly);
        if (assembly.GetManifestResourceInfo(name) is null)
        {
            throw new ConfigurationException($"{assembly.GetName().Name} embeds no '{name}' resource");
        }

        return ConfigurationFactory.FromResource(name, assembly);
    }

    /// <summary><paramref name="config"/> over <paramref name="reference"/> (itself when it is the reference).</summary>
    public static Config Over(Config config, Config reference)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(reference);
        return ReferenceEquals(config, reference) || config.IsEmpty ? reference : config.WithFallback(reference);
    }

    /// <summary>The actor runtime's defaults (AgentRouter.Actors' <c>reference.conf</c>).</summary>
    public static Config Runtime { get; } = Load(typeof(ReferenceConfig).Assembly);
}
