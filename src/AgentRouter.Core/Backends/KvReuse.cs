namespace AgentRouter.Core.Backends;

/// <summary>How the reused keys/values relate to the agent's own weights.</summary>
public enum KvReuseMode
{
    /// <summary>Same weights: the reused keys/values are exactly what the agent would have computed.</summary>
    Exact,

    /// <summary>LoRA agents sharing their base's keys/values: an approximation of the agent's own.</summary>
    LowRank,
}

/// <summary>How much of an agent's prompt was served from a KV cache shared with other agents or earlier queries
/// (an inference detail a local backend reports beside its analysis).</summary>
/// <param name="PromptTokens">Tokens in the agent's prompt.</param>
/// <param name="ReusedTokens">Prompt tokens whose keys/values came from the shared cache instead of being prefilled.</param>
public sealed record KvReuse(int PromptTokens, int ReusedTokens, KvReuseMode Mode = KvReuseMode.Exact)
{
    public double ReusedFraction => PromptTokens == 0 ? 0 : (double)ReusedTokens / PromptTokens;

    /// <summary>The mode as the HTTP API writes it: <c>exact</c> or <c>low-rank</c>.</summary>
    public string ModeName => Mode == KvReuseMode.LowRank ? "low-rank" : "exact";
}
