using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Protocol;

/// <summary>Messages between a router and the merge agent.</summary>
public static class MergeProtocol
{
    /// <param name="Strategy">A pure strategy name, or <see cref="LlmStrategy"/>.</param>
    /// <param name="QueryText">The original question (the LLM merge prompt quotes it).</param>
    /// <param name="Options">The answer options, when multiple choice.</param>
    public sealed record Merge(
        long Correlation,
        string Strategy,
        string QueryText,
        IReadOnlyList<string>? Options,
        IReadOnlyList<AgentAnalysis> Analyses,
        MergeContext Context);

    /// <param name="FellBack">True when the LLM merge failed or timed out and the fallback vote decided.</param>
    public sealed record Merged(long Correlation, MergeResult Result, bool FellBack);

    public sealed record MergeFailed(long Correlation, string Reason);

    /// <summary>The strategy name that asks the merge agent for an LLM merge.</summary>
    public const string LlmStrategy = "llm";
}
