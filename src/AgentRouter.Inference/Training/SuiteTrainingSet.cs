using AgentRouter.Core.Suite;

namespace AgentRouter.Inference.Training;

/// <summary>The suite items one training run sees: training items drawn from the train split in proportion
/// to the domain weights, and evaluation items from the test split covering every domain (a specialist is
/// still measured everywhere, since routing needs to know where it is weak).</summary>
public static class SuiteTrainingSet
{
    public static IReadOnlyList<SuiteItem> TrainItems(TrainingDataConfig data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var totalWeight = data.DomainWeights.Values.Sum();
        var items = new List<SuiteItem>(data.TrainItems);
        var domains = data.DomainWeights.Keys.Order(StringComparer.Ordinal).ToList();
        var assigned = 0;
        for (var i = 0; i < domains.Count; i++)
        {
            // The last domain takes the rounding remainder so the total is exactly TrainItems.
            var count = i == domains.Count - 1
                ? data.TrainItems - assigned
                : (int)Math.Round(data.TrainItems * data.DomainWeights[domains[i]] / totalWeight);
            count = Math.Min(count, data.TrainItems - assigned);
            assigned += count;
            items.AddRange(SuiteGenerator.Generate(
                new SuiteGenerationOptions(count, data.Seed, SuiteSplitFilter.Train, [domains[i]], data.Difficulties)));
        }

        // A seeded, content-defined order: domains interleave, and the same config gives the same order.
        var ordered = items.OrderBy(item => MixedKey(item.Id, data.Seed)).ThenBy(item => item.Id, StringComparer.Ordinal).ToList();
        return data.LookupFraction > 0 ? WithLookupDrills(ordered, data) : ordered;
    }

    /// <summary>Turns a seeded share of the items into look-up drills: the question names the correct option's text
    /// ("find 85?") and options and gold letter stay. Every domain ends by finding the letter of a value it worked
    /// out; the drill isolates that step, which a tiny model otherwise has to discover from the answer letter alone.</summary>
    public static IReadOnlyList<SuiteItem> WithLookupDrills(IReadOnlyList<SuiteItem> items, TrainingDataConfig data)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(data);
        var threshold = (ulong)(data.LookupFraction * ulong.MaxValue);
        return items
            .Select(item => MixedKey("lookup:" + item.Id, data.Seed) < threshold ? LookupDrill(item) : item)
            .ToList();
    }

    public static SuiteItem LookupDrill(SuiteItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item with { Id = "lookup-" + item.Id, Question = $"find {item.CorrectOption}?" };
    }

    public static IReadOnlyList<SuiteItem> EvalItems(TrainingDataConfig data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return SuiteGenerator.Generate(new SuiteGenerationOptions(data.EvalItems, data.Seed, SuiteSplitFilter.Test, null, data.Difficulties));
    }

    private static ulong MixedKey(string id, ulong seed)
    {
        var hash = 0xCBF29CE484222325UL ^ seed;
        foreach (var character in id)
        {
            hash ^= character;
            hash *= 0x100000001B3UL;
        }

        // FNV alone barely mixes the last characters; a final avalanche spreads them over the whole key.
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        return hash;
    }
}
