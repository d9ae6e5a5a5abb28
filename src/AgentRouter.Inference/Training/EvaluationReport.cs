namespace AgentRouter.Inference.Training;

/// <summary>Accuracy on one domain of the suite.</summary>
public sealed record DomainAccuracy(string Domain, int Correct, int Total)
{
    public double Accuracy => Total == 0 ? 0 : Correct / (double)Total;
}

/// <summary>Answer-letter accuracy of a model on a set of suite items, overall and per domain.</summary>
public sealed record EvaluationReport(IReadOnlyList<DomainAccuracy> Domains)
{
    public int Correct => Domains.Sum(domain => domain.Correct);

    public int Total => Domains.Sum(domain => domain.Total);

    public double Accuracy => Total == 0 ? 0 : Correct / (double)Total;

    /// <summary>Tallies (domain, predicted letter, gold letter) triples.</summary>
    public static EvaluationReport FromPredictions(IEnumerable<(string Domain, string Predicted, string Gold)> predictions)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var domains = predictions
            .GroupBy(prediction => prediction.Domain, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new DomainAccuracy(
                group.Key,
                group.Count(prediction => string.Equals(prediction.Predicted, prediction.Gold, StringComparison.Ordinal)),
                group.Count()))
            .ToList();
        return new EvaluationReport(domains);
    }

    public override string ToString() =>
        $"accuracy {Accuracy:P1} ({Correct}/{Total}); " +
        string.Join(", ", Domains.Select(domain => $"{domain.Domain} {domain.Accuracy:P0}"));
}
