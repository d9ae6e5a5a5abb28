namespace AgentRouter.Core.Merging;

/// <summary>One vote per member that gave a parseable choice.</summary>
public sealed class MajorityMerge : VoteMerge
{
    public override string Name => "majority";

    protected override void AddVotes(AgentAnalysis analysis, MergeContext context, Dictionary<string, double> votes)
    {
        if (analysis.Choice is { } choice)
        {
            votes[choice] = votes.GetValueOrDefault(choice) + 1;
        }
    }

    protected override string Describe() => "one vote per member, ties to the best-ranked supporter";
}
