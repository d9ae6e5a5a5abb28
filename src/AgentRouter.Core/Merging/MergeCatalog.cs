namespace AgentRouter.Core.Merging;

/// <summary>Builds merge strategies by their registered name.</summary>
public static class MergeCatalog
{
    private static readonly Dictionary<string, Func<IMergeStrategy>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["majority"] = () => new MajorityMerge(),
        ["confidence-weighted"] = () => new ConfidenceWeightedMerge(),
        ["quality-weighted"] = () => new QualityWeightedMerge(),

        // The issue's name for the main job's default: a vote weighted by each agent's learned quality.
        ["weighted-vote"] = () => new QualityWeightedMerge(),
        ["top-ranked"] = () => new TopRankedMerge(),

        // Free text: the answer closest to the others (normalised exact match, then word overlap); no model involved.
        ["agreement"] = () => new AgreementMerge(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static bool IsKnown(string name) => Factories.ContainsKey(name);

    /// <exception cref="ArgumentException">The name is not a registered merge strategy.</exception>
    public static IMergeStrategy Create(string name)
    {
        if (!Factories.TryGetValue(name, out var factory))
        {
            throw new ArgumentException(
                $"Unknown merge strategy '{name}'. Known strategies: {string.Join(", ", Factories.Keys.Order())}.", nameof(name));
        }

        return factory();
    }
}
