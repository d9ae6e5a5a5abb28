namespace AgentRouter.Core.Merging;

/// <summary>What a merge may use besides the analyses themselves. A value type: the router builds one per answered query
/// and hands it to a synchronous merge, so it need not cost a heap object (45 bytes of the routed path's ~1 KB).</summary>
/// <param name="Ranking">The panel as the policy ranked it, best first.</param>
/// <param name="AgentWeights">The policy's quality estimate per agent (for quality-weighted votes), if any.</param>
/// <param name="Options">The query's option letters; null for a free-form task, where a merge picks one member.</param>
public readonly record struct MergeContext(
    string QueryId,
    IReadOnlyList<string> Ranking,
    IReadOnlyDictionary<string, double>? AgentWeights = null,
    IReadOnlyList<string>? Options = null);

/// <summary>The panel's one answer.</summary>
/// <param name="Choice">The merged option letter; null when every member abstained (never a guess).</param>
/// <param name="SelectedAgent">The member whose answer was taken, when the merge picks one (free-form tasks,
/// top-ranked); null for a vote.</param>
/// <param name="Votes">Weight per option letter after the merge.</param>
public sealed record MergeResult(
    string Strategy,
    string? Choice,
    string Text,
    string? SelectedAgent,
    IReadOnlyDictionary<string, double> Votes,
    string Rationale)
{
    public bool Abstained => Choice is null && SelectedAgent is null;
}

/// <summary>A pure function from a panel's analyses to one answer.</summary>
public interface IMergeStrategy
{
    string Name { get; }

    MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context);
}
