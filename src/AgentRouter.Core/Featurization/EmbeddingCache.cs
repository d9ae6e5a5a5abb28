using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using AgentRouter.Core.Configuration;

namespace AgentRouter.Core.Featurization;

/// <summary>Embeds a dataset's texts once and keeps the vectors in one file per (model, content): the file name
/// holds the model id and a SHA-256 over every text in order, so a second run over the same data with the same
/// model reads the file instead of re-embedding, and any change to the data or the model misses the cache.
/// A file that is truncated or has the wrong shape is reported and rebuilt, never trusted.</summary>
public sealed class EmbeddingCache(string directory)
{
    private const int Magic = 0x41524531; // "ARE1"
    private const int BatchSize = 32;

    public string Directory { get; } = directory;

    /// <summary>The default folder: $AGENTROUTER_EMBEDDING_CACHE, else ~/.cache/agentrouter/embeddings.</summary>
    public static string DefaultDirectory => DirectoryFrom(AgentRouterSettings.FromEnvironment());

    /// <summary>The folder <paramref name="settings"/> name (<see cref="AgentRouterSettings.EmbeddingCache"/>), else the default.</summary>
    public static string DirectoryFrom(AgentRouterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.EmbeddingCache is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "agentrouter", "embeddings");
    }

    /// <summary>Where the vectors of these texts under this model are (or would be) kept.</summary>
    public string PathFor(ITextEmbedder embedder, IReadOnlyList<string> texts)
    {
        var safeModel = new string(embedder.ModelId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
        return Path.Combine(Directory, $"{safeModel}-{ContentHash(embedder.ModelId, texts)}.f32");
    }

    /// <param name="progress">Told how many texts are embedded so far while embedding (not when read from the cache).</param>
    /// <returns>The vectors and whether they came from the cache.</returns>
    public (float[][] Vectors, bool FromCache) GetOrEmbed(ITextEmbedder embedder, IReadOnlyList<string> texts, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(texts);
        var path = PathFor(embedder, texts);
        if (File.Exists(path))
        {
            if (TryRead(path, texts.Count, embedder.Dimension, out var cached))
            {
                return (cached, true);
            }

            progress?.Invoke($"embedding cache {path} is damaged or has another shape: re-embedding");
        }

        var vectors = new float[texts.Count][];
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            var batch = texts.Skip(start).Take(BatchSize).ToArray();
            var embedded = embedder.Embed(batch);
            for (var i = 0; i < batch.Length; i++)
            {
                if (embedded[i].Length != embedder.Dimension)
                {
                    throw new InvalidOperationException($"embedding model {embedder.ModelId} returned {embedded[i].Length} dimensions, it declares {embedder.Dimension}");
                }

                vectors[start + i] = embedded[i];
            }

            if ((start / BatchSize) % 20 == 19)
            {
                progress?.Invoke($"embedded {start + batch.Length}/{texts.Count} texts with {embedder.ModelId}");
            }
        }

        Write(path, vectors, embedder.Dimension);
        return (vectors, false);
    }

    internal static string ContentHash(string modelId, IReadOnlyList<string> texts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var text in texts.Prepend(modelId))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length); // length-prefixed: ["ab","c"] ≠ ["a","bc"]
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    private void Write(string path, float[][] vectors, int dimension)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = path + $".{Environment.ProcessId}.tmp";
        using (var stream = new BinaryWriter(File.Create(temporary)))
        {
            stream.Write(Magic);
            stream.Write(vectors.Length);
            stream.Write(dimension);
            foreach (var vector in vectors)
            {
                foreach (var value in vector)
                {
                    stream.Write(value);
                }
            }
        }

        File.Move(temporary, path, overwrite: true); // readers never see a half-written file
    }

    private static bool TryRead(string path, int count, int dimension, out float[][] vectors)
    {
        vectors = [];
        try
        {
            using var stream = new BinaryReader(File.OpenRead(path));
            if (stream.BaseStream.Length != 12 + (4L * count * dimension) || stream.ReadInt32() != Magic || stream.ReadInt32() != count || stream.ReadInt32() != dimension)
            {
                return false;
            }

            vectors = new float[count][];
            for (var i = 0; i < count; i++)
            {
                var vector = new float[dimension];
                for (var j = 0; j < dimension; j++)
                {
                    vector[j] = stream.ReadSingle();
                }

                vectors[i] = vector;
            }

            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
