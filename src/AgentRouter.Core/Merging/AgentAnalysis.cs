using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Merging;

/// <summary>One panel member's answer to a query.</summary>
/// <param name="Choice">The option letter extracted from the answer, or null when it abstained / was unparseable.</param>
/// <param name="Confidence">The agent's own confidence in <paramref name="Choice"/> in [0, 1], when it reports one.</param>
/// <param name="OptionProbabilities">Probability per option letter, when the backend exposes them.</param>
/// <param name="KvReuse">For local agents on a shared KV cache: how much of the prompt was reused rather than prefilled.</param>
/// <param name="Usage">Prompt and completion tokens as the agent's own tokenizer counted them; null when it does not say.</param>
public sealed record AgentAnalysis(
    string Agent,
    string Text,
    string? Choice,
    double? Confidence = null,
    IReadOnlyDictionary<string, double>? OptionProbabilities = null,
    double LatencyMs = 0,
    double Cost = 0,
    OutcomeStatus Status = OutcomeStatus.Succeeded,
    KvReuse? KvReuse = null,
    TokenUsage? Usage = null);
