namespace AgentRouter.Core.Suite;

/// <summary>What to generate.</summary>
/// <param name="Count">Number of items; each domain × difficulty cell gets an equal share (round-robin).</param>
/// <param name="Seed">Same seed, same options → the same items in the same order (a longer count extends
/// a shorter one's list).</param>
/// <param name="Domains">Subset of <see cref="SuiteDomains.All"/>; null for all.</param>
/// <param name="Difficulties">Subset of 1..3; null for all.</param>
public sealed record SuiteGenerationOptions(
    int Count,
    ulong Seed = 1,
    SuiteSplitFilter Split = SuiteSplitFilter.All,
    IReadOnlyList<string>? Domains = null,
    IReadOnlyList<int>? Difficulties = null);

/// <summary>The generator was asked for something it cannot produce.</summary>
public sealed class SuiteGenerationException(string message) : Exception(message);
