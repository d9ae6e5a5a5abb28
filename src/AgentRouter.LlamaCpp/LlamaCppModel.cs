using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Gguf;
using LLama;
using LLama.Common;
using LLama.Native;

namespace AgentRouter.LlamaCpp;

/// <summary>How a GGUF model is run by llama.cpp: context length, batch size and CPU threads. The KV cache is kept
/// in float32 and flash attention is off so that results are comparable with this engine's float32 path.</summary>
public sealed record LlamaCppModelOptions(int ContextSize = 512, int BatchSize = 512, int Threads = 1);

/// <summary>
/// A GGUF model loaded in-process by llama.cpp (through LLamaSharp): logits for a sequence of token ids and greedy
/// continuation. The file's header is read and checked by <see cref="GgufFile"/> first, so a bad or truncated file is a
/// <see cref="GgufFormatException"/> before native code sees it. Not thread-safe: one caller at a time.
/// </summary>
public sealed class LlamaCppModel : IDisposable
{
    private readonly LLamaWeights _weights;
    private readonly LLamaContext _context;

    private LlamaCppModel(GgufFile header, LLamaWeights weights, LLamaContext context)
    {
        Header = header;
        _weights = weights;
        _context = context;
        VocabularySize = weights.Vocab.Count;
    }

    public GgufFile Header { get; }

    public int VocabularySize { get; }

    public int ContextSize => (int)_context.ContextSize;

    public static LlamaCppModel Load(string ggufPath, LlamaCppModelOptions? options = null)
    {
        options ??= new LlamaCppModelOptions();
        var header = GgufFile.Read(ggufPath);
        LlamaCppNative.EnsureConfigured();
        var parameters = new ModelParams(ggufPath)
        {
            ContextSize = (uint)options.ContextSize,
            BatchSize = (uint)options.BatchSize,
            UBatchSize = (uint)options.BatchSize,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            GpuLayerCount = 0,
            TypeK = GGMLType.GGML_TYPE_F32,
            TypeV = GGMLType.GGML_TYPE_F32,
            FlashAttention = false,
        };
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception exception) when (exception is LLama.Exceptions.LoadWeightsFailedException or LLama.Exceptions.RuntimeError)
        {
            throw new GgufFormatException(ggufPath, $"llama.cpp could not load it: {exception.Message} (its log says why: {LlamaCppNative.LastError ?? "nothing logged"})");
        }
        try
        {
            return new LlamaCppModel(header, weights, weights.CreateContext(parameters));
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="ids"/> from an empty cache and returns the logits at every position.</summary>
    public float[][] Logits(IReadOnlyList<int> ids)
    {
        Reset();
        return Feed(ids, startPosition: 0, logitsForAll: true);
    }

    /// <summary>Greedy continuation of <paramref name="prompt"/>: up to <paramref name="maxNewTokens"/> ids, stopping
    /// after (and including) the first id in <paramref name="stopIds"/>. Ties go to the lowest id, as torch's argmax.</summary>
    public IReadOnlyList<int> GenerateGreedy(IReadOnlyList<int> prompt, int maxNewTokens, IReadOnlySet<int> stopIds, Action<int, float[]>? onStep = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prompt.Count, nameof(prompt));
        Reset();
        var logits = FeedForLastLogits(prompt, 0);
        var generated = new List<int>();
        var position = prompt.Count;
        for (var step = 0; step < maxNewTokens; step++)
        {
            var next = TokenSampler.ArgMax(logits);
            onStep?.Invoke(next, logits.ToArray());
            generated.Add(next);
            if (stopIds.Contains(next) || position >= ContextSize)
            {
                break;
            }
            logits = FeedForLastLogits([next], position++);
        }
        return generated;
    }

    /// <summary>Feeds ids at consecutive positions from <paramref name="startPosition"/>, in batches.</summary>
    public float[][] Feed(IReadOnlyList<int> ids, int startPosition, bool logitsForAll)
    {
        var results = new List<float[]>();
        Decode(ids, startPosition, logitsForAll, index => results.Add(_context.NativeHandle.GetLogitsIth(index).ToArray()));
        return results.ToArray();
    }

    /// <summary>
    /// Feeds ids like <see cref="Feed"/> and returns the last position's logits where llama.cpp keeps them, valid until the
    /// next call that decodes. Decoding token by token, a copy per token (600 KB for a Qwen vocabulary, on the
    /// large-object heap) cost as much as a sizeable part of the step.
    /// </summary>
    public ReadOnlySpan<float> FeedForLastLogits(IReadOnlyList<int> ids, int startPosition)
    {
        if (ids.Count == 0)
        {
            throw new ArgumentException("no token ids to feed", nameof(ids));
        }
        var last = -1;
        Decode(ids, startPosition, logitsForAll: false, index => last = index);
        return _context.NativeHandle.GetLogitsIth(last);
    }

    private void Decode(IReadOnlyList<int> ids, int startPosition, bool logitsForAll, Action<int> onLogits)
    {
        if (startPosition + ids.Count > ContextSize)
        {
            throw new ArgumentException($"{startPosition + ids.Count} positions do not fit the context of {ContextSize}", nameof(ids));
        }
        foreach (var id in ids)
        {
            if (id < 0 || id >= VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"token id outside the vocabulary of {VocabularySize}");
            }
        }
        var batch = new LLamaBatch();
        var batchSize = (int)_context.BatchSize;
        for (var start = 0; start < ids.Count; start += batchSize)
        {
            batch.Clear();
            var end = Math.Min(ids.Count, start + batchSize);
            for (var i = start; i < end; i++)
            {
                batch.Add((LLamaToken)ids[i], startPosition + i, LLamaSeqId.Zero, logitsForAll || i == ids.Count - 1);
            }
            var status = _context.NativeHandle.Decode(batch);
            if (status != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama.cpp decode failed: {status}");
            }
            for (var i = start; i < end; i++)
            {
                if (logitsForAll || i == ids.Count - 1)
                {
                    onLogits(i - start);
                }
            }
        }
    }

    public void Reset() => _context.NativeHandle.MemoryClear(true);

    /// <summary>Text to ids with llama.cpp's own tokenizer (the one exported into the file); special tokens written
    /// in the text (e.g. <c>&lt;|im_start|&gt;</c> from a chat template) become their ids.</summary>
    public int[] Tokenize(string text, bool addBeginOfSequence) =>
        _context.Tokenize(text, addBeginOfSequence, special: true).Select(token => (int)token).ToArray();

    /// <summary>Whether the model ends its turn with this id (eos, eot and the like, as the file declares them).</summary>
    public bool IsEndOfGeneration(int id) => ((LLamaToken)id).IsEndOfGeneration(_weights.NativeHandle.Vocab);

    /// <summary>Whether the vocabulary asks for a bos id in front of a prompt.</summary>
    public bool AddsBeginOfSequence => _weights.NativeHandle.Vocab.ShouldAddBOS;

    /// <summary>A decoder that turns ids into text incrementally, holding back incomplete UTF-8 sequences.</summary>
    public StreamingTokenDecoder CreateDecoder() => new(_context) { DecodeSpecialTokens = false };

    /// <summary>The text of a special token by its metadata key (e.g. <c>tokenizer.ggml.eos_token_id</c>), or null.</summary>
    public string? SpecialTokenText(string metadataKey)
    {
        if (!Header.Metadata.TryGetValue(metadataKey, out var value) || value is not uint id
            || !Header.Metadata.TryGetValue("tokenizer.ggml.tokens", out var tokens) || tokens is not object[] list || id >= list.Length)
        {
            return null;
        }
        return list[id] as string;
    }

    public void Dispose()
    {
        _context.Dispose();
        _weights.Dispose();
    }
}
