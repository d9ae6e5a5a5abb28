using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>The cost scale policies normalise cost by: the mean expected per-call cost of the offered
/// candidates, each estimated from its <see cref="CostModel"/> for a typical call of
/// <see cref="TypicalInputTokens"/> input and <see cref="TypicalOutputTokens"/> output tokens; 1 when every
/// candidate is free. A policy's <c>costRef</c> parameter, when given, fixes it instead.</summary>
public static class CostReference
{
    public const int TypicalInputTokens = 500;
    public const int TypicalOutputTokens = 250;

    public static double ExpectedCallCost(AgentProfile profile) =>
        profile.Cost.Estimate(TypicalInputTokens, TypicalOutputTokens);

    public static double MeanExpectedCost(IReadOnlyList<Candidate> candidates)
    {
        var total = 0.0;
        var count = candidates.Count;
        for (var i = 0; i < count; i++)
        {
            total += ExpectedCallCost(candidates[i].Profile);
        }

        var mean = count == 0 ? 0 : total / count;
        return mean > 0 && double.IsFinite(mean) ? mean : 1;
    }
}
