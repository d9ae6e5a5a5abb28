namespace AgentRouter.Core.Merging;

/// <summary>Sums the members' confidences. A member with option probabilities adds each option's
/// probability; one with only a stated confidence adds it to its choice; one with neither counts as
/// certain (weight 1), so with no confidences at all this is the majority vote.</summary>
public sealed class ConfidenceWeightedMerge : VoteMerge
{
    public override string Name => "confidence-weighted";

    protected override void AddVotes(AgentAnalysis analysis, MergeContext context, VoteTally votes)
    {
        if (analysis.OptionProbabilities is { Count: > 0 } probabilities)
        {
            foreach (var (letter, probability) in probabilities)
            {
                if (context.Options is null || context.Options.Contains(letter))
                {
                    votes.Add(letter, probability);
                }
            }

            return;
        }

        if (analysis.Choice is { } choice)
        {
            votes.Add(choice, analysis.Confidence ?? 1.0);
        }
    }

    protected override string Describe() => "sum of confidences, ties to the best-ranked supporter";
}
