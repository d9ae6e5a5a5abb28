using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Backends;

/// <summary>A fake model for tests, load and fault injection. The correct option of a query comes from an
/// answer key (by default a stable hash of the query id, so that every simulated agent agrees on the truth),
/// and the agent picks it with probability <see cref="SimulatedBackendSettings.Skill"/>.</summary>
/// <remarks>Called by one agent actor at a time, so the random source needs no lock: every draw happens
/// synchronously inside <see cref="AnalyzeAsync"/>.</remarks>
public sealed class SimulatedBackend : IModelBackend
{
    private static readonly string[] DefaultOptions = ["A", "B", "C", "D"];

    private readonly SimulatedBackendSettings _settings;
    private readonly Func<Query, string?> _answerKey;
    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly AgentAnalysis?[] _answers = new AgentAnalysis?[8];
    private int _nextAnswer;

    /// <param name="time">The clock the simulated work time passes on; null for <see cref="TimeProvider.System"/>.</param>
    public SimulatedBackend(SimulatedBackendSettings settings, Func<Query, string?>? answerKey = null, TimeProvider? time = null)
    {
        _settings = settings;
        _answerKey = answerKey ?? HashAnswerKey;
        _random = new Random(settings.Seed);
        _time = time ?? TimeProvider.System;
    }

    public int Capacity => _settings.Capacity;

    /// <summary>The default answer key: a stable function of the query id over its options.</summary>
    public static string? HashAnswerKey(Query query)
    {
        var options = query.Options ?? DefaultOptions;
        if (options.Count == 0)
        {
            return null;
        }

        // string.GetHashCode is randomised per process; FNV-1a keeps the key stable across runs.
        var hash = 2166136261u;
        foreach (var c in query.Id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return options[(int)(hash % (uint)options.Count)];
    }

    public ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        var roll = _random.NextDouble();
        if (roll < _settings.CrashRate)
        {
            throw new ModelBackendCrashedException($"simulated crash of agent '{agent}' on query '{query.Id}'");
        }

        roll -= _settings.CrashRate;
        if (roll < _settings.HangRate)
        {
            return new ValueTask<AgentAnalysis>(HangUntilCancelled(cancellationToken));
        }

        roll -= _settings.HangRate;
        var fails = roll < _settings.FailureRate;
        var analysis = fails ? null : Answer(agent, query);
        var latencyMs = DrawLatencyMs();
        if (latencyMs <= 0)
        {
            if (fails)
            {
                return ValueTask.FromException<AgentAnalysis>(new InvalidOperationException($"simulated failure of agent '{agent}'"));
            }

            Stream(onToken, analysis!.Text);
            return new ValueTask<AgentAnalysis>(analysis);
        }

        return new ValueTask<AgentAnalysis>(Delayed(agent, analysis, latencyMs, onToken, cancellationToken));
    }

    private AgentAnalysis Answer(string agent, Query query)
    {
        var options = query.Options ?? DefaultOptions;
        var correct = _answerKey(query);
        var skill = _settings.Skill;
        if (query.TaskType is not null && _settings.SkillByTaskType is not null && _settings.SkillByTaskType.TryGetValue(query.TaskType, out var typed))
        {
            skill = typed;
        }

        string choice;
        if (correct is null || _random.NextDouble() < skill || options.Count < 2)
        {
            choice = correct ?? options[_random.Next(options.Count)];
        }
        else
        {
            // A wrong option uniformly among the others.
            var index = _random.Next(options.Count - 1);
            var correctIndex = IndexOf(options, correct);
            choice = options[index >= correctIndex && correctIndex >= 0 ? index + 1 : index];
        }

        return Reuse(agent, choice, skill);
    }

    /// <summary>The answer (agent, choice, skill) as one shared record. Answers are immutable and a simulated one is a
    /// function of those three (the latency of a delayed answer is added by a copy), so the last few are kept and
    /// handed out again: the stand-in model then allocates nothing per call, and the actor benchmark's bytes per routed
    /// query measure the router rather than the stand-in (its three answers were 18 % of them).</summary>
    private AgentAnalysis Reuse(string agent, string choice, double skill)
    {
        foreach (var kept in _answers)
        {
            if (kept is not null && kept.Confidence == skill && string.Equals(kept.Choice, choice, StringComparison.Ordinal)
                && string.Equals(kept.Agent, agent, StringComparison.Ordinal))
            {
                return kept;
            }
        }

        var answer = new AgentAnalysis(agent, choice, choice, Confidence: skill, Cost: _settings.CostPerCall);
        _answers[_nextAnswer] = answer;
        _nextAnswer = (_nextAnswer + 1) % _answers.Length;
        return answer;
    }

    private static int IndexOf(IReadOnlyList<string> options, string value)
    {
        for (var i = 0; i < options.Count; i++)
        {
            if (options[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private double DrawLatencyMs()
    {
        if (_settings.MedianLatencyMs <= 0)
        {
            return 0;
        }

        if (_settings.LatencySpread <= 0)
        {
            return _settings.MedianLatencyMs;
        }

        // Box–Muller: a standard normal from two uniforms, then log-normal around the median.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        var normal = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return _settings.MedianLatencyMs * Math.Exp(_settings.LatencySpread * normal);
    }

    private void Stream(Action<string>? onToken, string text)
    {
        if (onToken is null)
        {
            return;
        }

        var pieces = Math.Max(1, Math.Min(_settings.Tokens, text.Length));
        var size = (int)Math.Ceiling(text.Length / (double)pieces);
        for (var start = 0; start < text.Length; start += size)
        {
            onToken(text.Substring(start, Math.Min(size, text.Length - start)));
        }
    }

    private async Task<AgentAnalysis> Delayed(string agent, AgentAnalysis? analysis, double latencyMs, Action<string>? onToken, CancellationToken cancellationToken)
    {
        // The delay is the simulated model's work time, not synchronisation.
        await Task.Delay(TimeSpan.FromMilliseconds(latencyMs), _time, cancellationToken).ConfigureAwait(false);
        if (analysis is null)
        {
            throw new InvalidOperationException($"simulated failure of agent '{agent}'");
        }

        Stream(onToken, analysis.Text);
        return analysis with { LatencyMs = latencyMs };
    }

    private static async Task<AgentAnalysis> HangUntilCancelled(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        throw new OperationCanceledException(cancellationToken);
    }
}
