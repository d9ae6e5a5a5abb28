namespace AgentRouter.Inference.KvSharing;

/// <summary>One prompt answered through the shared pool.</summary>
/// <param name="PromptLogits">float32 logits at the prompt's last position.</param>
/// <param name="GeneratedIds">The greedy continuation (may be empty).</param>
/// <param name="ReusedTokens">Prompt positions whose K/V came from the pool instead of being prefilled.</param>
/// <param name="Blocks">The blocks the sequence held (shared and private), valid while its reservation lasts.</param>
public sealed record SharedPrefixResult(float[] PromptLogits, IReadOnlyList<int> GeneratedIds, int PromptTokens, int ReusedTokens,
    IReadOnlyList<KvBlock> Blocks)
{
    public int PrefilledTokens => PromptTokens - ReusedTokens;
}
