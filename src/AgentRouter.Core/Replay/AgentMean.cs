namespace AgentRouter.Core.Replay;

/// <summary>One agent's hindsight means over the queries it has a record for.</summary>
/// <param name="Agent">The agent's index in <see cref="ReplayWorkload.Agents"/>.</param>
internal readonly record struct AgentMean(int Agent, double Quality, double Cost)
{
    /// <summary>Every agent that has at least one record, by index; what the single-model baselines (best-single, the Zero
    /// router) are built from.</summary>
    public static AgentMean[] Of(ReplayWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
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
            .Select(agent => new AgentMean(agent, quality[agent] / seen[agent], cost[agent] / seen[agent]))
            .ToArray();
    }
}
