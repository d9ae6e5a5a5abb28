using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Replay;

namespace AgentRouter.Actors.Backends;

/// <summary>Serves one agent's recorded answers (from the routing core's RouterBench / open7b readers) by query
/// id, at once. A query the recording lacks is a request-level failure naming the id, never an invented answer.</summary>
public sealed class ReplayBackend(IReadOnlyDictionary<string, RecordedAnswer> answers, int capacity = 1024) : IModelBackend
{
    public int Capacity { get; } = capacity;

    /// <summary>One backend per workload agent, holding every answer that agent recorded.</summary>
    public static IReadOnlyList<ReplayBackend> ForWorkload(ReplayWorkload workload, int capacity = 1024)
    {
        var backends = new ReplayBackend[workload.Agents.Count];
        for (var agent = 0; agent < backends.Length; agent++)
        {
            var recorded = new Dictionary<string, RecordedAnswer>(StringComparer.Ordinal);
            foreach (var item in workload.Items)
            {
                if (item.AnswerOf(agent) is { } answer)
                {
                    recorded[item.Query.Id] = answer;
                }
            }

            backends[agent] = new ReplayBackend(recorded, capacity);
        }

        return backends;
    }

    public ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        if (!answers.TryGetValue(query.Id, out var recorded))
        {
            return ValueTask.FromException<AgentAnalysis>(
                new KeyNotFoundException($"agent '{agent}' has no recorded answer for query '{query.Id}'"));
        }

        var text = recorded.Response ?? string.Empty;
        onToken?.Invoke(text);
        return new ValueTask<AgentAnalysis>(new AgentAnalysis(agent, text, recorded.Choice, LatencyMs: recorded.LatencyMs, Cost: recorded.Cost));
    }
}
