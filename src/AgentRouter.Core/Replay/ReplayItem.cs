using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Replay;

/// <summary>One query of a workload with every agent's recorded answer. An agent without a usable record
/// for this query (an empty correctness or cost cell) is simply not a candidate for it.</summary>
public sealed class ReplayItem
{
    private readonly RecordedAnswer?[] _answers;
    private AgentOutcome?[]? _outcomes;

    /// <param name="answers">Indexed like the workload's agents; null where the agent has no record.</param>
    public ReplayItem(Query query, RecordedAnswer?[] answers, IReadOnlyList<AgentProfile> agents)
    {
        Query = query;
        _answers = answers;
        var candidates = new List<Candidate>();
        var indices = new List<int>();
        var oracleQuality = 0.0;
        for (var i = 0; i < answers.Length; i++)
        {
            if (answers[i] is { } answer)
            {
                candidates.Add(new Candidate(agents[i]));
                indices.Add(i);
                oracleQuality = Math.Max(oracleQuality, answer.Quality);
            }
        }

        Candidates = candidates.ToArray();
        CandidateAgents = indices.ToArray();
        OracleQuality = oracleQuality;
        GoldChoice = InferGold(query.Options, answers);
    }

    public Query Query { get; private set; }

    /// <summary>The agents with a record for this query, in workload order.</summary>
    public IReadOnlyList<Candidate> Candidates { get; }

    /// <summary>Workload agent index of each entry of <see cref="Candidates"/>.</summary>
    public IReadOnlyList<int> CandidateAgents { get; }

    /// <summary>Best recorded quality among the candidates (what the oracle gets).</summary>
    public double OracleQuality { get; }

    /// <summary>The correct option letter, inferred from the answers recorded as correct (RouterBench has no
    /// gold column): set only when those answers all parse to the same single letter.</summary>
    public string? GoldChoice { get; }

    public RecordedAnswer? AnswerOf(int agentIndex) => _answers[agentIndex];

    /// <summary>The position in <see cref="Candidates"/> of workload agent <paramref name="agentIndex"/>, which must be one.</summary>
    internal int IndexOfCandidate(int agentIndex)
    {
        for (var k = 0; k < CandidateAgents.Count; k++)
        {
            if (CandidateAgents[k] == agentIndex)
            {
                return k;
            }
        }

        throw new InvalidOperationException($"agent {agentIndex} has no record for query '{Query.Id}'");
    }

    /// <summary>The feedback for an agent's recorded answer, built once and shared by every policy's pass
    /// (outcomes are immutable), so replays allocate no feedback objects after the first.</summary>
    internal AgentOutcome OutcomeOf(int agentIndex, string agent)
    {
        _outcomes ??= new AgentOutcome?[_answers.Length];
        if (_outcomes[agentIndex] is { } outcome)
        {
            return outcome;
        }

        var answer = _answers[agentIndex] ?? throw new InvalidOperationException($"'{agent}' has no record for query '{Query.Id}'");
        return _outcomes[agentIndex] = new AgentOutcome(agent, answer.Quality, answer.LatencyMs, answer.Cost);
    }

    internal void AttachFeatures(float[] features) => Query = Query with { Features = features };

    private static string? InferGold(IReadOnlyList<string>? options, RecordedAnswer?[] answers)
    {
        if (options is null)
        {
            return null;
        }

        string? gold = null;
        foreach (var answer in answers)
        {
            if (answer is not { Quality: >= 1.0 } correct)
            {
                continue;
            }

            if (correct.Choice is null)
            {
                continue;
            }

            if (gold is not null && gold != correct.Choice)
            {
                return null;
            }

            gold = correct.Choice;
        }

        return gold;
    }

    internal static string? ExtractChoice(string? response, IReadOnlyList<string>? options) =>
        options is null ? null : ChoiceExtractor.Extract(response, options);
}
