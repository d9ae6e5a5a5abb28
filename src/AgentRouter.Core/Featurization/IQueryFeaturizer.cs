namespace AgentRouter.Core.Featurization;

/// <summary>Turns query text into the dense feature vector policies read from
/// <see cref="Domain.Query.Features"/>. Implementations must be deterministic (same text, same vector, in
/// every process), so that replays and snapshots stay valid; richer embeddings plug in here.</summary>
public interface IQueryFeaturizer
{
    /// <summary>Length of every vector this featurizer returns.</summary>
    int Dimension { get; }

    float[] Featurize(string text);
}
