namespace AgentRouter.Core.Merging;

/// <summary>One vote per member that gave a parseable choice.</summary>
public sealed class MajorityMerge : VoteMerge
{
    public override string Name => "majority";

    protected override void AddVotes(AgentAnalysis analysis, MergeContext context, VoteTally votes)
    {
        if (analysis.Choice is { } choice)
        {
            votes.Add(choice, 1);
        }
    }

    protected override string Describe() => "one vote per member, ties to the best-ranked supporter";
}
