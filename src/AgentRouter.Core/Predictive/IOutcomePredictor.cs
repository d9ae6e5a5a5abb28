using System.Text.Json.Nodes;

namespace AgentRouter.Core.Predictive;

/// <summary>Predicts every model's chance of success (P̂, a recorded-quality estimate) from a query's features.
/// Trained once on logged outcomes; prediction is pure and thread-safe.</summary>
public interface IOutcomePredictor
{
    /// <summary>"knn", "mlp" or "mf".</summary>
    string Kind { get; }

    /// <summary>A short label with the hyper-parameters ("knn-10", "mlp-100x100").</summary>
    string Label { get; }

    int Dimension { get; }

    int ModelCount { get; }

    /// <summary>Writes P̂ per model (the order of the training table's models).</summary>
    void Predict(ReadOnlySpan<float> features, Span<double> predicted);

    /// <summary>The learned parameters, for a router file.</summary>
    JsonObject Save();
}
