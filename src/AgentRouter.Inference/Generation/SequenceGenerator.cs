using System.Runtime.InteropServices;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Generation;

/// <summary>
/// Continues a batch of prompts of different lengths (left-padded; positions count only real tokens)
/// with a preallocated KV cache or by full recomputation. Synchronous: call it on the model's torch
/// thread (see <see cref="Hosting.ModelHost"/>).
/// </summary>
public static class SequenceGenerator
{
    private const long PaddingTokenId = 0;

    public static IReadOnlyList<GeneratedSequence> Generate(MoeForCausalLm model, IReadOnlyList<IReadOnlyList<int>> prompts,
        GenerationOptions options, Action<GeneratedToken>? onToken = null, CancellationToken cancellationToken = default,
        LoraAdapter? adapter = null)
    {
        RequestValidator.ValidateGeneration(model.Config, prompts, options);
        var stopTokens = (options.StopTokenIds ?? model.Config.EosTokenIds).ToHashSet();
        var batch = prompts.Count;
        var longest = prompts.Max(prompt => prompt.Count);
        var random = new Random(options.Seed);
        var sequences = prompts.Select(prompt => prompt.Select(id => (long)id).ToList()).ToArray();
        var generated = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var stepLogits = Enumerable.Range(0, batch).Select(_ => new List<float[]>()).ToArray();
        var stopReasons = Enumerable.Repeat(StopReason.MaxNewTokens, batch).ToArray();
        var finished = new bool[batch];
        var chosen = new int[batch];
        var hasPadding = prompts.Any(prompt => prompt.Count != longest);

        using var inference = inference_mode();
        using var cache = options.UseKvCache ? new KvCache(model.Config, batch, longest + options.MaxNewTokens, model.DType, model.Device) : null;
        for (var step = 0; step < options.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Tokens are chosen straight from the logits tensor's memory: copying a Qwen-sized row (151,936 floats, 600 KB)
            // to managed arrays put two large-object allocations on every step, and their collections on the decode path.
            using (NewDisposeScope())
            {
                var (inputIds, mask) = cache is not null && step > 0
                    ? (LastTokens(sequences, model.Device), null)
                    : PaddedBatch(sequences, model.Device, hasPadding);
                using var output = model.Forward(inputIds, mask, cache, lastPositionOnly: true, adapter);
                var logits = output.Logits.to(ScalarType.Float32).cpu().reshape(batch, -1).contiguous();
                var vocabulary = (int)logits.shape[1];
                var flat = MemoryMarshal.Cast<byte, float>(logits.bytes);
                for (var sequence = 0; sequence < batch; sequence++)
                {
                    if (finished[sequence])
                    {
                        continue;
                    }
                    var row = flat.Slice(sequence * vocabulary, vocabulary);
                    chosen[sequence] = TokenSampler.Choose(row, options, random);
                    if (options.RecordStepLogits)
                    {
                        stepLogits[sequence].Add(row.ToArray());
                    }
                }
            }
            for (var sequence = 0; sequence < batch; sequence++)
            {
                if (finished[sequence])
                {
                    continue;
                }
                var token = chosen[sequence];
                sequences[sequence].Add(token);
                generated[sequence].Add(token);
                var produced = new GeneratedToken(sequence, step, token);
                onToken?.Invoke(produced);
                if (stopTokens.Contains(token))
                {
                    finished[sequence] = true;
                    stopReasons[sequence] = StopReason.StopToken;
                }
                else if (options.StopWhen?.Invoke(produced) == true)
                {
                    finished[sequence] = true;
                    stopReasons[sequence] = StopReason.StopCondition;
                }
            }
            if (finished.All(done => done))
            {
                break;
            }
            // A finished sequence keeps being fed its last token so the batch stays rectangular; its outputs are ignored.
            for (var sequence = 0; sequence < batch; sequence++)
            {
                if (finished[sequence] && sequences[sequence].Count < prompts[sequence].Count + step + 1)
                {
                    sequences[sequence].Add(sequences[sequence][^1]);
                }
            }
        }
        return Enumerable.Range(0, batch)
            .Select(sequence => new GeneratedSequence(prompts[sequence], generated[sequence], stopReasons[sequence], stepLogits[sequence]))
            .ToList();
    }

    private static (Tensor Ids, Tensor? Mask) PaddedBatch(IReadOnlyList<List<long>> sequences, Device device, bool hasPadding)
    {
        var longest = sequences.Max(sequence => sequence.Count);
        var ids = new long[sequences.Count * longest];
        var mask = new long[sequences.Count * longest];
        for (var row = 0; row < sequences.Count; row++)
        {
            var padding = longest - sequences[row].Count;
            for (var column = 0; column < longest; column++)
            {
                var isToken = column >= padding;
                ids[(row * longest) + column] = isToken ? sequences[row][column - padding] : PaddingTokenId;
                mask[(row * longest) + column] = isToken ? 1 : 0;
            }
        }
        var shape = new long[] { sequences.Count, longest };
        return (tensor(ids, shape, device: device), hasPadding ? tensor(mask, shape, device: device) : null);
    }

    private static Tensor LastTokens(IReadOnlyList<List<long>> sequences, Device device) =>
        tensor(sequences.Select(sequence => sequence[^1]).ToArray(), new long[] { sequences.Count, 1 }, device: device);
}
