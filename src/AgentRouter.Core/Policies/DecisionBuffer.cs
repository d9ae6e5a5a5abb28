using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>
/// A caller-owned, reusable place for one routing decision: the panel as candidate indices (best first), one score per
/// candidate and the policy's rule. <see cref="IRoutingPolicy.SelectInto"/> writes into it, so a router deciding on its hot
/// path allocates nothing once the buffer has grown to its candidate count; <see cref="ToDecision"/> builds the immutable
/// <see cref="RoutingDecision"/> only where one is kept (messages, logs, replay records). Not thread-safe: one per caller.
/// </summary>
public sealed class DecisionBuffer
{
    [ThreadStatic]
    private static DecisionBuffer? t_spare;

    private CandidateScore[] _scores = [];
    private int[] _panel = [];

    /// <summary>Candidates scored by the last decision.</summary>
    public int CandidateCount { get; private set; }

    /// <summary>Agents in the last decision's panel.</summary>
    public int PanelCount { get; private set; }

    /// <summary>The last decision's rule (a policy's constant text: not copied).</summary>
    public string Rule { get; private set; } = "";

    /// <summary>The panel as indices into the candidates offered, best first.</summary>
    public ReadOnlySpan<int> Panel => _panel.AsSpan(0, PanelCount);

    /// <summary>One entry per candidate offered, in the order offered.</summary>
    public ReadOnlySpan<CandidateScore> Scores => _scores.AsSpan(0, CandidateCount);

    /// <summary>Starts a decision over <paramref name="candidates"/> with a panel of <paramref name="panelSize"/>; returns the
    /// score slots to fill (one per candidate) and, in <paramref name="panel"/>, the panel slots
    /// (<c>min(panelSize, candidates)</c>).</summary>
    public Span<CandidateScore> Start(int candidates, int panelSize, string rule, out Span<int> panel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(candidates);
        ArgumentNullException.ThrowIfNull(rule);
        Reset(candidates, Math.Min(panelSize, candidates), rule);
        panel = _panel.AsSpan(0, PanelCount);
        return _scores.AsSpan(0, candidates);
    }

    private void Reset(int scoreCount, int panelCount, string rule)
    {
        if (_scores.Length < scoreCount)
        {
            _scores = new CandidateScore[scoreCount];
        }

        if (_panel.Length < Math.Max(scoreCount, panelCount))
        {
            _panel = new int[Math.Max(scoreCount, panelCount)];
        }

        CandidateCount = scoreCount;
        PanelCount = panelCount;
        Rule = rule;
    }

    /// <summary><see cref="IRoutingPolicy.Select"/> for a policy whose own path is <see cref="IRoutingPolicy.SelectInto"/>:
    /// one decision into a fresh buffer, returned as the record.</summary>
    public static RoutingDecision Decide(IRoutingPolicy policy, Query query, IReadOnlyList<Candidate> candidates, int panelSize)
    {
        ArgumentNullException.ThrowIfNull(policy);
        // A per-thread spare, taken while in use (a nested Decide gets its own), so that the record path allocates only
        // the record and its copies, as it did before buffers existed.
        var decision = t_spare ?? new DecisionBuffer();
        t_spare = null;
        try
        {
            policy.SelectInto(query, candidates, panelSize, decision);
            return decision.ToDecision(query, policy.Name, candidates);
        }
        finally
        {
            t_spare = decision;
        }
    }

    /// <summary>The decision as an immutable record (allocates: the panel's names and the scores are copied).</summary>
    public RoutingDecision ToDecision(Query query, string policy, IReadOnlyList<Candidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(candidates);
        var panel = new string[PanelCount];
        for (var i = 0; i < panel.Length; i++)
        {
            panel[i] = candidates[_panel[i]].Name;
        }

        return new RoutingDecision(query.Id, policy, panel, Scores.ToArray(), Rule);
    }

    /// <summary>Fills the buffer from a decision made by <see cref="IRoutingPolicy.Select"/> (policies that have no
    /// allocation-free path of their own).</summary>
    internal void CopyFrom(RoutingDecision decision, IReadOnlyList<Candidate> candidates)
    {
        // Not Start: it caps the panel at the candidates scored, and a policy may return its panel with no scores.
        Reset(decision.Scores.Count, decision.Panel.Count, decision.Rule);
        var scores = _scores.AsSpan(0, CandidateCount);
        var panel = _panel.AsSpan(0, PanelCount);
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = decision.Scores[i];
        }

        for (var i = 0; i < panel.Length; i++)
        {
            panel[i] = IndexOf(candidates, decision.Panel[i]);
        }
    }

    private static int IndexOf(IReadOnlyList<Candidate> candidates, string agent)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            if (string.Equals(candidates[i].Name, agent, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"the policy chose '{agent}', which is not among the candidates offered");
    }
}
