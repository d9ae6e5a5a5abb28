namespace AgentRouter.Inference.Generation;

/// <summary>How to continue prompts. Temperature 0 (or <see cref="Greedy"/>) means argmax decoding.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 32;
    public bool Greedy { get; init; }
    public double Temperature { get; init; } = 1.0;
    /// <summary>Keep only the k most likely tokens before sampling; 0 turns the filter off.</summary>
    public int TopK { get; init; }
    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches p; 1 turns it off.</summary>
    public double TopP { get; init; } = 1.0;
    public int Seed { get; init; }
    /// <summary>Tokens that end a sequence (included in its output); null means the config's eos_token_id.</summary>
    public IReadOnlyList<int>? StopTokenIds { get; init; }
    /// <summary>False recomputes the whole sequence every step (the reference the cache must match).</summary>
    public bool UseKvCache { get; init; } = true;
    /// <summary>Keep each step's logits (float32) in the result, for checks against a reference.</summary>
    public bool RecordStepLogits { get; init; }

    /// <summary>Called on the torch thread after each token (after the streaming callback); true ends that sequence with
    /// <see cref="StopReason.StopCondition"/> (chat stop strings). Null never stops early.</summary>
    public Func<GeneratedToken, bool>? StopWhen { get; init; }

    public bool IsGreedy => Greedy || Temperature == 0;

    public static GenerationOptions GreedyDecoding(int maxNewTokens) => new() { Greedy = true, MaxNewTokens = maxNewTokens };
}
