namespace AgentRouter.Core.Featurization;

/// <summary>A sentence-embedding model: texts in, one vector each. Implementations live outside Core
/// (AgentRouter.Embeddings wraps MiniLM) so that Core carries no model or runtime.</summary>
public interface ITextEmbedder
{
    /// <summary>Identifies the model and its version; part of every cache key, so a different model never
    /// reads another's vectors.</summary>
    string ModelId { get; }

    int Dimension { get; }

    /// <summary>Embeds a batch; the result has one vector of <see cref="Dimension"/> floats per text, in order.</summary>
    float[][] Embed(IReadOnlyList<string> texts);
}
