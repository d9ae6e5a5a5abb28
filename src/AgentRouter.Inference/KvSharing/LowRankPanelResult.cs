namespace AgentRouter.Inference.KvSharing;

/// <summary>A panel of LoRA agents answered over one base-prefilled context.</summary>
/// <param name="Agents">Per agent, in the order given: prompt logits, continuation, prompt tokens and the context positions it
/// did not prefill itself.</param>
/// <param name="BaseBytes">Base K/V of the context, held once in pool blocks.</param>
/// <param name="AgentLowRankBytes">Per agent: the rank-r activations held for the context.</param>
/// <param name="AgentTailBytes">Per agent: full K/V of its own positions (last prompt token and continuation).</param>
public sealed record LowRankPanelResult(IReadOnlyList<SharedPrefixResult> Agents, long BaseBytes, IReadOnlyList<long> AgentLowRankBytes,
    IReadOnlyList<long> AgentTailBytes)
{
    public long HeldBytes => BaseBytes + AgentLowRankBytes.Sum() + AgentTailBytes.Sum();
}
