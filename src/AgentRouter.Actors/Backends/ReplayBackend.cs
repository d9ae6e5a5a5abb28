using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Backends;

/// <summary>What one model answered to one recorded query.</summary>
public sealed record RecordedAnswer(string Text, string? Choice, double Cost, double LatencyMs = 0);

/// <summary>Serves an agent's recorded answers (RouterBench / open7b replays) by query id, at once.
/// A query the recording lacks is a request-level failure naming the id, never an invented answer.</summary>
public sealed class ReplayBackend(IReadOnlyDictionary<string, RecordedAnswer> answers, int capacity = 1024) : IModelBackend
{
    public int Capacity { get; } = capacity;

    public ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        if (!answers.TryGetValue(query.Id, out var recorded))
        {
            return ValueTask.FromException<AgentAnalysis>(
                new KeyNotFoundException($"agent '{agent}' has no recorded answer for query '{query.Id}'"));
        }

        onToken?.Invoke(recorded.Text);
        return new ValueTask<AgentAnalysis>(
            new AgentAnalysis(agent, recorded.Text, recorded.Choice, LatencyMs: recorded.LatencyMs, Cost: recorded.Cost));
    }
}
