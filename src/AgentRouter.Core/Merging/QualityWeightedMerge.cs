namespace AgentRouter.Core.Merging;

/// <summary>Each member's vote weighs its quality estimate from the policy (<see cref="MergeContext.AgentWeights"/>);
/// a member without an estimate weighs 1.</summary>
public sealed class QualityWeightedMerge : VoteMerge
{
    public override string Name => "quality-weighted";

    protected override void AddVotes(AgentAnalysis analysis, MergeContext context, VoteTally votes)
    {
        if (analysis.Choice is not { } choice)
        {
            return;
        }

        var weight = context.AgentWeights is not null && context.AgentWeights.TryGetValue(analysis.Agent, out var known) ? known : 1.0;
        votes.Add(choice, weight);
    }

    protected override string Describe() => "votes weighted by the policy's quality estimates (default 1)";
}
