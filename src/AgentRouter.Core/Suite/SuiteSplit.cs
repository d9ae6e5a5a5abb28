using System.Text;

namespace AgentRouter.Core.Suite;

public enum SuiteSplit
{
    Train,
    Test,
}

/// <summary>Which split(s) a generation or export covers.</summary>
public enum SuiteSplitFilter
{
    All,
    Train,
    Test,
}

/// <summary>Fixed train/test assignment: a question belongs to a split by a stable hash of its text alone,
/// so no question text can ever be in both splits, whatever the seed or count that produced it.</summary>
public static class SuiteSplits
{
    /// <summary>One question in this many goes to the test split.</summary>
    public const int TestModulus = 5;

    public static SuiteSplit Of(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return Fnv1a64(question) % TestModulus == 0 ? SuiteSplit.Test : SuiteSplit.Train;
    }

    public static bool Admits(this SuiteSplitFilter filter, SuiteSplit split) => filter switch
    {
        SuiteSplitFilter.All => true,
        SuiteSplitFilter.Train => split == SuiteSplit.Train,
        SuiteSplitFilter.Test => split == SuiteSplit.Test,
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "Unknown split filter."),
    };

    public static string Name(SuiteSplit split) => split == SuiteSplit.Test ? "test" : "train";

    /// <summary>Parses "train", "test" or "all" (case-insensitive).</summary>
    public static bool TryParseFilter(string text, out SuiteSplitFilter filter)
    {
        switch (text.ToLowerInvariant())
        {
            case "all": filter = SuiteSplitFilter.All; return true;
            case "train": filter = SuiteSplitFilter.Train; return true;
            case "test": filter = SuiteSplitFilter.Test; return true;
            default: filter = SuiteSplitFilter.All; return false;
        }
    }

    /// <summary>64-bit FNV-1a over the UTF-8 bytes: defined by its spec, so the split never moves.</summary>
    internal static ulong Fnv1a64(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }

        return hash;
    }
}
