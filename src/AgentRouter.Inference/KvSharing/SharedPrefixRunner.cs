using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// Answers one prompt with a <see cref="PooledKvCache"/>: reuses the cached whole-block prefix, prefills only the uncached
/// tail, then decodes greedily. With a LoRA adapter, <c>weightsId</c> must name base and adapter
/// (<see cref="SharedKvModel.WeightsIdFor"/>) so that blocks of different adapters never mix. Synchronous: call it on the
/// model's torch thread.
/// </summary>
public static class SharedPrefixRunner
{
    public static SharedPrefixResult Run(MoeForCausalLm model, KvReservation reservation, string weightsId, int tokensPerBlock,
        IReadOnlyList<int> prompt, int greedyTokens, Action<int>? onToken = null, CancellationToken cancellationToken = default, LoraAdapter? adapter = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(greedyTokens);
        var options = GenerationOptions.GreedyDecoding(Math.Max(1, greedyTokens));
        RequestValidator.ValidateGeneration(model.Config, [prompt], options);
        var stopTokens = model.Config.EosTokenIds.ToHashSet();
        using var inference = inference_mode();
        var cache = new PooledKvCache(model.Config, reservation, weightsId, tokensPerBlock, model.DType, model.Device);
        var reused = cache.AttachCachedPrefix(prompt);
        var promptLogits = cache.Forward(model, prompt.Skip(reused).ToArray(), adapter);
        var generated = new List<int>();
        var logits = promptLogits;
        for (var step = 0; step < greedyTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = TokenSampler.Choose(logits, options, Random.Shared);
            generated.Add(token);
            onToken?.Invoke(token);
            if (stopTokens.Contains(token) || step == greedyTokens - 1)
            {
                break;
            }
            logits = cache.Forward(model, [token], adapter);
        }
        return new SharedPrefixResult(promptLogits, generated, prompt.Count, reused, cache.Blocks.ToArray());
    }

    /// <summary>The bytes to reserve for a prompt of <paramref name="promptTokens"/> plus <paramref name="greedyTokens"/> new ones.</summary>
    public static long RequestBytes(MoeForCausalLm model, int tokensPerBlock, int promptTokens, int greedyTokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        return TensorKvPayload.RequestBytes(model.Config, tokensPerBlock, model.DType, promptTokens + greedyTokens);
    }
}
