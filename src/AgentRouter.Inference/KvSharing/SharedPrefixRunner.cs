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
        ArgumentOutOfRangeException.ThrowIfNegative(greedyTokens);
        return Generate(model, reservation, weightsId, tokensPerBlock, prompt, GenerationOptions.GreedyDecoding(Math.Max(1, greedyTokens)), greedyTokens,
            onToken is null ? null : token => onToken(token.TokenId), cancellationToken, adapter);
    }

    /// <summary>Like <see cref="Run"/>, sampling as <paramref name="options"/> say (temperature, top-p/k, seed, stop ids,
    /// <see cref="GenerationOptions.StopWhen"/>) for up to <see cref="GenerationOptions.MaxNewTokens"/> tokens.</summary>
    public static SharedPrefixResult Generate(MoeForCausalLm model, KvReservation reservation, string weightsId, int tokensPerBlock,
        IReadOnlyList<int> prompt, GenerationOptions options, Action<GeneratedToken>? onToken = null, CancellationToken cancellationToken = default,
        LoraAdapter? adapter = null) =>
        Generate(model, reservation, weightsId, tokensPerBlock, prompt, options, options.MaxNewTokens, onToken, cancellationToken, adapter);

    private static SharedPrefixResult Generate(MoeForCausalLm model, KvReservation reservation, string weightsId, int tokensPerBlock,
        IReadOnlyList<int> prompt, GenerationOptions options, int newTokens, Action<GeneratedToken>? onToken, CancellationToken cancellationToken,
        LoraAdapter? adapter)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        RequestValidator.ValidateGeneration(model.Config, [prompt], options);
        var stopTokens = (options.StopTokenIds ?? model.Config.EosTokenIds).ToHashSet();
        var random = options.IsGreedy ? Random.Shared : new Random(options.Seed);
        using var inference = inference_mode();
        var cache = new PooledKvCache(model.Config, reservation, weightsId, tokensPerBlock, model.DType, model.Device);
        var reused = cache.AttachCachedPrefix(prompt);
        var promptLogits = cache.Forward(model, prompt.Skip(reused).ToArray(), adapter);
        var generated = new List<int>();
        var logits = promptLogits;
        for (var step = 0; step < newTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = TokenSampler.Choose(logits, options, random);
            generated.Add(token);
            var produced = new GeneratedToken(0, step, token);
            onToken?.Invoke(produced);
            if (stopTokens.Contains(token) || options.StopWhen?.Invoke(produced) == true || step == newTokens - 1)
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
