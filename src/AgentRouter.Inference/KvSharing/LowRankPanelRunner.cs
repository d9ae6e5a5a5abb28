using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// LRAgent-style panel over one base: the prompt without its last token is prefilled once by the base model
/// (<see cref="LowRankContext"/>); each agent then runs the last prompt token and its greedy continuation with its own
/// adapter over the shared base K/V plus its rank-r adapter part. Approximate wherever an adapter changes hidden states
/// that later layers read (exact when the adapters touch only the last layer's keys/values); an opt-in per agent.
/// Synchronous: the model's torch thread.
/// </summary>
public static class LowRankPanelRunner
{
    public static LowRankPanelResult Run(MoeForCausalLm model, KvReservation reservation, string baseWeightsId, int tokensPerBlock,
        IReadOnlyList<int> prompt, IReadOnlyList<LoraAdapter> adapters, int greedyTokens, Action<int, int>? onToken = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentOutOfRangeException.ThrowIfNegative(greedyTokens);
        if (prompt.Count < 2)
        {
            throw new GenerationRequestException("prompt", "low-rank KV sharing needs a prompt of at least 2 tokens (a shared context and a last token per agent)");
        }
        var options = GenerationOptions.GreedyDecoding(Math.Max(1, greedyTokens));
        RequestValidator.ValidateGeneration(model.Config, [prompt], options);
        using var inference = inference_mode();
        using var rotary = new RotaryTable(model.Config.HeadDim, model.Config.RopeTheta);
        using var context = LowRankContext.Prefill(model, reservation, baseWeightsId, tokensPerBlock, prompt.Take(prompt.Count - 1).ToArray(), adapters);
        var results = new List<SharedPrefixResult>();
        var tails = new List<long>();
        for (var agent = 0; agent < adapters.Count; agent++)
        {
            var index = agent;
            var (result, tailBytes) = Continue(model, context, agent, rotary, prompt, greedyTokens, token => onToken?.Invoke(index, token));
            results.Add(result);
            tails.Add(tailBytes);
        }
        var baseBytes = context.Base.Blocks.Sum(block => block.Bytes);
        return new LowRankPanelResult(results, baseBytes, Enumerable.Range(0, adapters.Count).Select(context.AgentBytes).ToArray(), tails);
    }

    /// <summary>Agent <paramref name="agent"/> of <paramref name="context"/> runs the prompt's last token and its greedy
    /// continuation with its adapter; returns its result (context positions counted as reused) and the bytes of its own positions.</summary>
    public static (SharedPrefixResult Result, long TailBytes) Continue(MoeForCausalLm model, LowRankContext context, int agent, RotaryTable rotary,
        IReadOnlyList<int> prompt, int greedyTokens, Action<int>? onToken = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(prompt);
        var options = GenerationOptions.GreedyDecoding(Math.Max(1, greedyTokens));
        var stopTokens = model.Config.EosTokenIds.ToHashSet();
        using var inference = inference_mode();
        using var cache = new LowRankAgentCache(model.Config, context, agent, rotary);
        var promptLogits = cache.Forward(model, [prompt[^1]]);
        var logits = promptLogits;
        var generated = new List<int>();
        for (var step = 0; step < greedyTokens; step++)
        {
            var token = TokenSampler.Choose(logits, options, Random.Shared);
            generated.Add(token);
            onToken?.Invoke(token);
            if (stopTokens.Contains(token) || step == greedyTokens - 1)
            {
                break;
            }
            logits = cache.Forward(model, [token]);
        }
        return (new SharedPrefixResult(promptLogits, generated, prompt.Count, context.Length, context.Base.Blocks.ToArray()), cache.TailBytes);
    }
}
