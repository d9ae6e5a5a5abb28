using AgentRouter.Core.Merging;

namespace AgentRouter.Cli.MainJob;

/// <summary>Per (agent, task type) counts of the outcomes the main job has delivered as feedback so far — what a
/// grader has told the system, never the answers still pending.</summary>
internal sealed class DeliveredAccuracy
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Agent, string TaskType), (int Correct, int Total)> _counts = [];

    public void Record(string agent, string taskType, bool correct)
    {
        lock (_gate)
        {
            var (right, total) = _counts.GetValueOrDefault((agent, taskType));
            _counts[(agent, taskType)] = (right + (correct ? 1 : 0), total + 1);
        }
    }

    /// <summary>Laplace-smoothed accuracy (c + 1) / (n + 2): 0.5 before any feedback.</summary>
    public double Accuracy(string agent, string taskType)
    {
        lock (_gate)
        {
            var (right, total) = _counts.GetValueOrDefault((agent, taskType));
            return (right + 1.0) / (total + 2.0);
        }
    }
}

/// <summary>The main job's <c>weighted-vote</c>: the quality-weighted vote, with each member's weight the log-odds
/// of its delivered accuracy on the query's task type against a four-way guess, ln(3p / (1 − p)) — the optimal
/// weights for independent voters, so an agent at chance weighs nothing and a specialist is not outvoted by two
/// guessers. (The router actor passes no quality estimates to pure merges; the job, which delivers the
/// feedback, supplies them.) Before any feedback every member weighs the same, and ties go to the policy's
/// best-ranked member.</summary>
internal sealed class FeedbackWeightedVote(IReadOnlyDictionary<string, string> taskTypeOfQuery, DeliveredAccuracy accuracy) : IMergeStrategy
{
    public const string MergeName = "weighted-vote";

    /// <summary>Keeps every vote countable (so ties still break by rank) when an agent is at or below chance.</summary>
    private const double MinimumWeight = 1e-3;

    private static readonly int OptionCount = AgentRouter.Core.Suite.SuitePrompt.Letters.Count;
    private readonly QualityWeightedMerge _vote = new();

    public string Name => MergeName;

    public MergeResult Merge(IReadOnlyList<AgentAnalysis> analyses, MergeContext context)
    {
        ArgumentNullException.ThrowIfNull(analyses);
        ArgumentNullException.ThrowIfNull(context.Ranking, nameof(context)); // a default MergeContext has no ranking
        if (!taskTypeOfQuery.TryGetValue(context.QueryId, out var taskType))
        {
            return _vote.Merge(analyses, context);
        }

        var weights = new Dictionary<string, double>(analyses.Count, StringComparer.Ordinal);
        foreach (var analysis in analyses)
        {
            weights[analysis.Agent] = Weight(accuracy.Accuracy(analysis.Agent, taskType));
        }

        return _vote.Merge(analyses, context with { AgentWeights = weights });
    }

    public static double Weight(double accuracy) =>
        Math.Max(MinimumWeight, Math.Log((OptionCount - 1) * accuracy / (1 - accuracy)));
}
