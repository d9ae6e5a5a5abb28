using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Baseline: always the same agent (parameter <c>agent</c>; default the first candidate). Panels of
/// k &gt; 1 add the other candidates in their order. Naming an agent that is not offered is an error rather
/// than a silent substitution.</summary>
public sealed class FixedPolicy : BaselinePolicyBase
{
    private readonly string? _agent;
    private readonly string _rule;

    public FixedPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<FixedParameters>("fixed", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal FixedPolicy(PolicySettings settings, FixedParameters parameters)
        : base("fixed")
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        _agent = parameters.Agent;
        _rule = _agent is null ? "fixed: always the first candidate" : $"fixed: always '{_agent}'";
    }

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var count = candidates.Count;
        var chosen = 0;
        if (_agent is not null)
        {
            chosen = -1;
            for (var i = 0; i < count; i++)
            {
                if (string.Equals(candidates[i].Name, _agent, StringComparison.Ordinal))
                {
                    chosen = i;
                    break;
                }
            }

            if (chosen < 0)
            {
                throw new InvalidOperationException(
                    $"Policy 'fixed' is set to agent '{_agent}', which is not among the candidates of query '{query.Id}'.");
            }
        }

        var scores = decision.Start(count, panelSize, _rule, out var panel);
        panel[0] = chosen;
        var next = 1;
        for (var i = 0; i < count && next < panel.Length; i++)
        {
            if (i != chosen)
            {
                panel[next++] = i;
            }
        }

        for (var i = 0; i < count; i++)
        {
            scores[i] = new CandidateScore(candidates[i].Name, i == chosen ? 1 : 0, 0, 0);
        }
    }
}
