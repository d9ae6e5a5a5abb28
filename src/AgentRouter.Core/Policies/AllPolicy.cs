using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: every candidate answers, in candidate order; the panel size is ignored. No
/// parameters.</summary>
public sealed class AllPolicy : BaselinePolicyBase
{
    public AllPolicy(PolicySettings settings)
        : base("all")
    {
        // No parameters: any given are an error.
        PolicyCatalog.ParametersOf<NoParameters>(Name, settings);
    }

    private protected override bool IgnoresPanelSize => true;

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var count = candidates.Count;
        var scores = decision.Start(count, count, "all: every candidate, panel size ignored", out var panel);
        for (var i = 0; i < count; i++)
        {
            panel[i] = i;
            scores[i] = new CandidateScore(candidates[i].Name, 1, 0, 0);
        }
    }
}
