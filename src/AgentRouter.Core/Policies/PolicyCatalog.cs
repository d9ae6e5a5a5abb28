using System.Text.Json.Nodes;
using AgentRouter.Core.Predictive;

namespace AgentRouter.Core.Policies;

/// <summary>Builds policies by their registered name. Each entry reads the policy's typed parameters (once, e.g. when a
/// preset loads) and builds the policy from them.</summary>
public static class PolicyCatalog
{
    private static readonly Dictionary<string, Entry> Entries = new Entry[]
    {
        Define("random", NoParameters.Read, (settings, _) => new RandomPolicy(settings)),
        Define("ema", EmaParameters.Read, (settings, parameters) => new EmaPolicy(settings, parameters)),
        Define("ema-lex", EmaEstimateParameters.Read, (settings, parameters) => new EmaLexicographicPolicy(settings, parameters)),
        Define("pheromone", PheromoneParameters.Read, (settings, parameters) => new PheromonePolicy(settings, parameters)),
        Define("ucb1", Ucb1Parameters.Read, (settings, parameters) => new Ucb1Policy(settings, parameters)),
        Define("thompson", ThompsonParameters.Read, (settings, parameters) => new ThompsonPolicy(settings, parameters)),
        Define("epsilon", EpsilonGreedyParameters.Read, (settings, parameters) => new EpsilonGreedyPolicy(settings, parameters)),
        Define("linucb", LinUcbParameters.Read, (settings, parameters) => new LinUcbPolicy(settings, parameters)),
        Define("round-robin", NoParameters.Read, (settings, _) => new RoundRobinPolicy(settings)),
        Define("fixed", FixedParameters.Read, (settings, parameters) => new FixedPolicy(settings, parameters)),
        Define("all", NoParameters.Read, (settings, _) => new AllPolicy(settings)),
        Define("least-loaded", NoParameters.Read, (settings, _) => new LeastLoadedPolicy(settings)),
        // Optionally warm-started from a router file written by 'agentrouter train-router'.
        Define("contextual", ContextualParameters.Read, (settings, parameters) => new ContextualBanditPolicy(settings, parameters)),
    }.ToDictionary(entry => entry.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> Names => Entries.Keys;

    public static bool IsKnown(string name) => Entries.ContainsKey(name);

    /// <summary>Reads and checks <paramref name="parameters"/> (a preset's <c>parameters</c> object; null for none) for
    /// policy <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown policy, or a parameter that is unknown, of the wrong type or out of
    /// range; ParamName is the parameter's name.</exception>
    public static PolicyParameters ReadParameters(string name, JsonObject? parameters) => Find(name).Read(parameters);

    /// <summary>Builds policy <paramref name="name"/>: from <see cref="PolicySettings.TypedParameters"/> when the settings
    /// carry them (read once, e.g. by a preset), else from <see cref="PolicySettings.Parameters"/>.</summary>
    /// <exception cref="ArgumentException">The name is not a registered policy, or the parameters are not valid for it.</exception>
    public static IRoutingPolicy Create(string name, PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var entry = Find(name);
        return entry.Create(settings, settings.TypedParameters ?? entry.Read(settings.Parameters));
    }

    /// <summary>The parameters of <paramref name="settings"/> for a policy built outside the catalog by its own
    /// constructor: read from the JSON, or the typed parameters when given (of the policy's type).</summary>
    internal static TParameters ParametersOf<TParameters>(string name, PolicySettings settings)
        where TParameters : PolicyParameters
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Cast<TParameters>(name, settings.TypedParameters ?? Find(name).Read(settings.Parameters));
    }

    private static Entry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Entries.TryGetValue(name, out var entry))
        {
            throw new ArgumentException(
                $"Unknown policy '{name}'. Known policies: {string.Join(", ", Entries.Keys.Order())}.", nameof(name));
        }

        return entry;
    }

    private static Entry Define<TParameters>(string name, Func<ParameterReader, TParameters> read,
        Func<PolicySettings, TParameters, IRoutingPolicy> create)
        where TParameters : PolicyParameters =>
        new(name, json =>
            {
                var reader = new ParameterReader(name, json);
                var parameters = read(reader);
                reader.RejectUnknown();
                return parameters;
            },
            (settings, parameters) => create(settings, Cast<TParameters>(name, parameters)));

    private static TParameters Cast<TParameters>(string name, PolicyParameters parameters)
        where TParameters : PolicyParameters =>
        parameters as TParameters ?? throw new ArgumentException(
            $"Policy '{name}' takes {typeof(TParameters).Name}, got {parameters.GetType().Name}.", nameof(parameters));

    private sealed record Entry(string Name, Func<JsonObject?, PolicyParameters> Read, Func<PolicySettings, PolicyParameters, IRoutingPolicy> Create);
}
