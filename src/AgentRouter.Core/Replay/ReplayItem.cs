using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Replay;

/// <summary>What one agent recorded for one query.</summary>
/// <param name="Quality">Correctness (0/1) or score in [0, 1].</param>
/// <param name="Response">The raw answer, when the data has one.</param>
/// <param name="Choice">The option letter extracted from <paramref name="Response"/> (multiple-choice only).</param>
public readonly record struct RecordedAnswer(double Quality, double Cost, double LatencyMs, string? Response, string? Choice);

/// <summary>One query of a workload with every agent's recorded answer. An agent without a usable record
/// for this query (an empty correctness or cost cell) is simply not a candidate for it.</summary>
public sealed class ReplayItem
{
    private readonly RecordedAnswer?[] _answers;

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
