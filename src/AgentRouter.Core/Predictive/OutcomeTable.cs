using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Predictive;

/// <summary>Logged outcomes to train on: per query its feature vector (an embedding) and each model's recorded
/// quality (NaN where the model has no record), plus each model's mean cost per call.</summary>
public sealed class OutcomeTable
{
    public OutcomeTable(IReadOnlyList<string> models, IReadOnlyList<float[]> features, IReadOnlyList<double[]> quality, IReadOnlyList<double> meanCost)
    {
        if (features.Count == 0 || features.Count != quality.Count || models.Count != meanCost.Count)
        {
            throw new ArgumentException("Training data needs at least one query, and one quality row per feature row.", nameof(features));
        }

        Dimension = features[0].Length;
        if (features.Any(row => row.Length != Dimension) || quality.Any(row => row.Length != models.Count))
        {
            throw new ArgumentException("Every feature row must have the same dimension and every quality row one value per model.", nameof(features));
        }

        Models = models;
        Features = features;
        Quality = quality;
        MeanCost = meanCost;
    }

    public IReadOnlyList<string> Models { get; }

    public IReadOnlyList<float[]> Features { get; }

    /// <summary>[query][model]; NaN where the model has no record for the query.</summary>
    public IReadOnlyList<double[]> Quality { get; }

    public IReadOnlyList<double> MeanCost { get; }

    public int Dimension { get; }

    /// <summary>Mean recorded quality of a model over the queries it has a record for (0.5 when none).</summary>
    public double MeanQuality(int model)
    {
        var values = Quality.Select(row => row[model]).Where(double.IsFinite).ToArray();
        return values.Length == 0 ? 0.5 : values.Average();
    }

    /// <summary>From a replay workload whose queries are embedded in <paramref name="features"/> (workload order).</summary>
    public static OutcomeTable FromWorkload(ReplayWorkload workload, IReadOnlyList<float[]> features)
    {
        var models = workload.Agents.Select(agent => agent.Name).ToArray();
        var quality = new double[workload.Items.Count][];
        var costSum = new double[models.Length];
        var costCount = new int[models.Length];
        for (var q = 0; q < workload.Items.Count; q++)
        {
            var row = quality[q] = Enumerable.Repeat(double.NaN, models.Length).ToArray();
            foreach (var agent in workload.Items[q].CandidateAgents)
            {
                var answer = workload.Items[q].AnswerOf(agent)!.Value;
                row[agent] = answer.Quality;
                costSum[agent] += answer.Cost;
                costCount[agent]++;
            }
        }

        return new OutcomeTable(models, features, quality, costSum.Select((sum, m) => costCount[m] == 0 ? 0 : sum / costCount[m]).ToArray());
    }
}
