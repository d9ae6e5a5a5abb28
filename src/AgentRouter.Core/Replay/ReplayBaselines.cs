using AgentRouter.Core.Domain;

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
            ? new OracleChooser(workload)
            : new BestSingleChooser(workload, BestSingleRanking(workload));

    /// <summary>Agents by hindsight accuracy (mean quality over the queries each has a record for), best first;
    /// ties go to the lower mean cost, then to the name.</summary>
    public static IReadOnlyList<string> BestSingleRanking(ReplayWorkload workload)
    {
        var count = workload.Agents.Count;
        var quality = new double[count];
        var cost = new double[count];
        var seen = new int[count];
        foreach (var item in workload.Items)
        {
            foreach (var agent in item.CandidateAgents)
            {
                var answer = item.AnswerOf(agent)!.Value;
                quality[agent] += answer.Quality;
                cost[agent] += answer.Cost;
                seen[agent]++;
            }
        }

        return Enumerable.Range(0, count)
            .Where(agent => seen[agent] > 0)
            .OrderByDescending(agent => quality[agent] / seen[agent])
            .ThenBy(agent => cost[agent] / seen[agent])
            .ThenBy(agent => workload.Agents[agent].Name, StringComparer.Ordinal)
            .Select(agent => workload.Agents[agent].Name)
            .ToArray();
    }

    private static RoutingDecision Single(ReplayItem item, string policy, string agent, string rule) =>
        new(item.Query.Id, policy, [agent], Array.Empty<CandidateScore>(), rule);

    /// <summary>Per query: the candidate with the best recorded quality, the cheapest among equals
    /// (for 0/1 correctness: the cheapest correct agent, or the cheapest agent when none is correct).</summary>
    private sealed class OracleChooser(ReplayWorkload workload) : IPanelChooser
    {
        public string Name => Oracle;

        public bool IsBaseline => true;

        public RoutingDecision Choose(ReplayItem item, int panelSize)
        {
            var best = -1;
            RecordedAnswer bestAnswer = default;
            foreach (var agent in item.CandidateAgents)
            {
                var answer = item.AnswerOf(agent)!.Value;
                if (best < 0 || answer.Quality > bestAnswer.Quality || (answer.Quality == bestAnswer.Quality && answer.Cost < bestAnswer.Cost))
                {
                    (best, bestAnswer) = (agent, answer);
                }
            }

            return Single(item, Name, workload.Agents[best].Name, "hindsight: best recorded quality, cheapest among equals");
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

        public RoutingDecision Choose(ReplayItem item, int panelSize)
        {
            foreach (var name in ranking)
            {
                workload.TryGetAgentIndex(name, out var index);
                if (item.AnswerOf(index) is not null)
                {
                    return Single(item, Name, name, $"hindsight: the most accurate single agent ({ranking[0]})");
                }
            }

            throw new InvalidOperationException($"query '{item.Query.Id}' has no candidate");
        }

        public void Observe(Query query, AgentOutcome outcome)
        {
        }
    }
}
