using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: the k candidates with the lowest <see cref="Candidate.Load"/>, ties by candidate order.
/// Learns nothing. No parameters.</summary>
public sealed class LeastLoadedPolicy : BaselinePolicyBase
{
    public LeastLoadedPolicy(PolicySettings settings)
        : base("least-loaded")
    {
        // No parameters: any given are an error.
        PolicyCatalog.ParametersOf<NoParameters>(Name, settings);
    }

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var count = candidates.Count;
        Span<double> negativeLoad = count <= PanelSelection.StackLimit ? stackalloc double[count] : new double[count];
        var scores = decision.Start(count, panelSize, "least loaded: lowest load first (score = −load), ties by candidate order", out var panel);
        for (var i = 0; i < count; i++)
        {
            negativeLoad[i] = -candidates[i].Load;
            scores[i] = new CandidateScore(candidates[i].Name, negativeLoad[i], negativeLoad[i], 0);
        }

        PanelSelection.TopK(negativeLoad, panel);
    }
}
