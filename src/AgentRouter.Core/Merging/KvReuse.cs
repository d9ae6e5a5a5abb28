namespace AgentRouter.Core.Merging;

/// <summary>How much of an agent's prompt was served from a KV cache shared with other agents or earlier queries.</summary>
/// <param name="PromptTokens">Tokens in the agent's prompt.</param>
/// <param name="ReusedTokens">Prompt tokens whose keys/values came from the shared cache instead of being prefilled.</param>
/// <param name="Mode">"exact" (same weights, identical results) or "low-rank" (LoRA agents sharing a base's K/V; approximate).</param>
public sealed record KvReuse(int PromptTokens, int ReusedTokens, string Mode = KvReuse.ExactMode)
{
    public const string ExactMode = "exact";

    public const string LowRankMode = "low-rank";

    public double ReusedFraction => PromptTokens == 0 ? 0 : (double)ReusedTokens / PromptTokens;
}
