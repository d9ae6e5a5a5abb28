namespace AgentRouter.Core.Suite;

/// <summary>The task suite's domains. The name doubles as <see cref="Domain.Query.TaskType"/>, so routers
/// learn per domain without any translation.</summary>
public static class SuiteDomains
{
    public const string Arithmetic = "arithmetic";
    public const string Strings = "strings";
    public const string Comparison = "comparison";
    public const string Counting = "counting";
    public const string Sequence = "sequence";

    public const int MinDifficulty = 1;
    public const int MaxDifficulty = 3;

    /// <summary>Every domain, in the order the generator cycles through them.</summary>
    public static IReadOnlyList<string> All { get; } = [Arithmetic, Strings, Comparison, Counting, Sequence];

    public static IReadOnlyList<int> Difficulties { get; } = [1, 2, 3];

    public static bool IsKnown(string domain) => All.Contains(domain, StringComparer.Ordinal);

    public static bool IsValidDifficulty(int difficulty) => difficulty is >= MinDifficulty and <= MaxDifficulty;
}
