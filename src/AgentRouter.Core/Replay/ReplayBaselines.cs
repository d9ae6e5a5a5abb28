using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Replay;

/// <summary>Baselines that exist only in replay because they use hindsight. Both always choose one agent
/// (panel size 1) whatever panel the online policies get, so they stay the same reference line.</summary>
public static class ReplayBaselines
{
    public const string Oracle = "oracle";
    public const string BestSingle = "best-single";

    public static IReadOnlyList<string> Names { get; } = [Oracle, BestSingle];

    public static bool IsBaseline(string name) =>
        string.Equals(name, Oracle, StringComparison.OrdinalIgnoreCase) || string.Equals(name, BestSingle, StringComparison.OrdinalIgnoreCase);

    internal static IPanelChooser Create(string name, ReplayWorkload workload) =>
        string.Equals(name, Oracle, StringComparison.OrdinalIgnoreCase)
            ? new OracleChooser()
            : new BestSingleChooser(workload, BestSingleRanking(workload));

    /// <summary>Agents by hindsight accuracy (mean quality over the queries each has a record for), best first;
    /// ties go to the lower mean cost, then to the name.</summary>
    public static IReadOnlyList<string> BestSingleRanking(ReplayWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return AgentMean.Of(workload)
            .OrderByDescending(mean => mean.Quality)
            .ThenBy(mean => mean.Cost)
            .ThenBy(mean => workload.Agents[mean.Agent].Name, StringComparer.Ordinal)
            .Select(mean => workload.Agents[mean.Agent].Name)
            .ToArray();
    }

    /// <summary>A one-member panel: candidate <paramref name="chosen"/> (an index into the item's candidates), every
    /// candidate listed with score 1 for the chosen one and 0 for the others.</summary>
    private static void Single(ReplayItem item, int chosen, string rule, DecisionBuffer decision)
    {
        var scores = decision.Start(item.Candidates.Count, 1, rule, out var panel);
        for (var k = 0; k < scores.Length; k++)
        {
            var score = k == chosen ? 1 : 0;
            scores[k] = new CandidateScore(item.Candidates[k].Name, score, score, 0);
        }

        panel[0] = chosen;
    }

    /// <summary>Per query: the candidate with the best recorded quality, the cheapest among equals
    /// (for 0/1 correctness: the cheapest correct agent, or the cheapest agent when none is correct).</summary>
    private sealed class OracleChooser : IPanelChooser
    {
        public string Name => Oracle;

        public bool IsBaseline => true;

        public void ChooseInto(ReplayItem item, Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
        {
            var best = -1;
            RecordedAnswer bestAnswer = default;
            for (var k = 0; k < item.CandidateAgents.Count; k++)
            {
                var answer = item.AnswerOf(item.CandidateAgents[k])!.Value;
                if (best < 0 || answer.Quality > bestAnswer.Quality || (answer.Quality == bestAnswer.Quality && answer.Cost < bestAnswer.Cost))
                {
                    (best, bestAnswer) = (k, answer);
                }
            }

            Single(item, best, "hindsight: best recorded quality, cheapest among equals", decision);
        }

        public void Observe(Query query, AgentOutcome outcome)
        {
        }
    }

    /// <summary>Always the best single agent in hindsight; on a query where it has no record, the next in that ranking.</summary>
    private sealed class BestSingleChooser(ReplayWorkload workload, IReadOnlyList<string> ranking) : IPanelChooser
    {
        public string Name => BestSingle;

        public bool IsBaseline => true;

        private readonly string _rule = $"hindsight: the most accurate single agent ({ranking[0]})";

        public void ChooseInto(ReplayItem item, Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
        {
            foreach (var name in ranking)
            {
                workload.TryGetAgentIndex(name, out var index);
                if (item.AnswerOf(index) is not null)
                {
                    Single(item, item.IndexOfCandidate(index), _rule, decision);
                    return;
                }
            }

            throw new InvalidOperationException($"query '{item.Query.Id}' has no candidate");
        }

        public void Observe(Query query, AgentOutcome outcome)
        {
        }
    }
}
