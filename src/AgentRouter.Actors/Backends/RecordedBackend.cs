using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Replay;

namespace AgentRouter.Actors.Backends;

/// <summary>One model of a RouterBench CSV answering live: a query gets the response that model recorded for the
/// same prompt (or, in process, the same query id), at the recorded cost, after a delay from the latency model
/// (the recorded data has no latencies). Served over HTTP like any agent, it makes the whole harness loop
/// testable without external services. A prompt the model has no record for is a request-level failure naming
/// the agent, never an invented answer.</summary>
public sealed class RecordedBackend : IModelBackend
{
    private readonly IReadOnlyDictionary<string, RecordedAnswer> _byPrompt;
    private readonly IReadOnlyDictionary<string, RecordedAnswer> _byId;
    private readonly double _latencyScale;
    private readonly TimeProvider _time;

    /// <param name="latencyScale">Multiplies the recorded latency before waiting it out; 0 answers at once.</param>
    public RecordedBackend(IReadOnlyDictionary<string, RecordedAnswer> byPrompt, IReadOnlyDictionary<string, RecordedAnswer> byId,
        double latencyScale = 0, int capacity = 1024, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(latencyScale);
        _byPrompt = byPrompt;
        _byId = byId;
        _latencyScale = latencyScale;
        _time = time ?? TimeProvider.System;
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Recorded answers per model column of <paramref name="workload"/>, keyed by prompt and by sample id.
    /// When two rows share a prompt, the first row's answer is the one served for that prompt.</summary>
    public static IReadOnlyDictionary<string, RecordedBackend> ForWorkload(ReplayWorkload workload, double latencyScale = 0, int capacity = 1024, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var backends = new Dictionary<string, RecordedBackend>(StringComparer.Ordinal);
        for (var agent = 0; agent < workload.Agents.Count; agent++)
        {
            var byPrompt = new Dictionary<string, RecordedAnswer>(StringComparer.Ordinal);
            var byId = new Dictionary<string, RecordedAnswer>(StringComparer.Ordinal);
            foreach (var item in workload.Items)
            {
                if (item.AnswerOf(agent) is { } answer)
                {
                    byPrompt.TryAdd(item.Query.Text, answer);
                    byId[item.Query.Id] = answer;
                }
            }

            backends[workload.Agents[agent].Name] = new RecordedBackend(byPrompt, byId, latencyScale, capacity, time);
        }

        return backends;
    }

    public ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!_byPrompt.TryGetValue(query.Text, out var recorded) && !_byId.TryGetValue(query.Id, out recorded))
        {
            return ValueTask.FromException<AgentAnalysis>(new KeyNotFoundException(
                $"recorded agent '{agent}' has no recorded answer for this prompt (query '{query.Id}', {query.Text.Length} characters)"));
        }

        var delay = TimeSpan.FromMilliseconds(recorded.LatencyMs * _latencyScale);
        return delay <= TimeSpan.Zero
            ? new ValueTask<AgentAnalysis>(Answer(agent, query, recorded, onToken))
            : new ValueTask<AgentAnalysis>(AnswerLaterAsync(agent, query, recorded, onToken, delay, cancellationToken));
    }

    private async Task<AgentAnalysis> AnswerLaterAsync(string agent, Query query, RecordedAnswer recorded, Action<string>? onToken, TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        return Answer(agent, query, recorded, onToken);
    }

    private static AgentAnalysis Answer(string agent, Query query, RecordedAnswer recorded, Action<string>? onToken)
    {
        var text = recorded.Response ?? string.Empty;
        onToken?.Invoke(text);
        var choice = query.Options is { } options ? ChoiceExtractor.Extract(text, options) : null;
        return new AgentAnalysis(agent, text, choice, LatencyMs: recorded.LatencyMs, Cost: recorded.Cost);
    }
}
