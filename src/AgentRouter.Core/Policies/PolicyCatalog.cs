namespace AgentRouter.Core.Policies;

/// <summary>Builds policies by their registered name.</summary>
public static class PolicyCatalog
{
    private static readonly Dictionary<string, Func<PolicySettings, IRoutingPolicy>> Factories =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["random"] = settings => new RandomPolicy(settings),
            ["ema"] = settings => new EmaPolicy(settings),
            ["ema-lex"] = settings => new EmaLexicographicPolicy(settings),
            ["pheromone"] = settings => new PheromonePolicy(settings),
            ["ucb1"] = settings => new Ucb1Policy(settings),
            ["thompson"] = settings => new ThompsonPolicy(settings),
            ["epsilon"] = settings => new EpsilonGreedyPolicy(settings),
            ["linucb"] = settings => new LinUcbPolicy(settings),
            ["round-robin"] = settings => new RoundRobinPolicy(settings),
            ["fixed"] = settings => new FixedPolicy(settings),
            ["all"] = settings => new AllPolicy(settings),
            ["least-loaded"] = settings => new LeastLoadedPolicy(settings),
            // Optionally warm-started from a router file written by 'agentrouter train-router'.
            ["contextual"] = settings => new Predictive.ContextualBanditPolicy(settings),
        };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static bool IsKnown(string name) => Factories.ContainsKey(name);

    /// <exception cref="ArgumentException">The name is not a registered policy.</exception>
    public static IRoutingPolicy Create(string name, PolicySettings settings)
    {
        if (!Factories.TryGetValue(name, out var factory))
        {
            throw new ArgumentException(
                $"Unknown policy '{name}'. Known policies: {string.Join(", ", Factories.Keys.Order())}.", nameof(name));
        }

        return factory(settings);
    }
}
