using Akka.Actor;
using AgentRouter.Actors.Configuration;

namespace AgentRouter.Actors.Merging;

/// <summary>How the merge agent works.</summary>
/// <param name="LlmAgent">The model-agent actor that performs LLM merges; null when LLM merges always fall back.</param>
/// <param name="LlmAgentName">Its name, for the rationale.</param>
/// <param name="FallbackStrategy">The vote used when the LLM merge fails or times out.</param>
/// <param name="LlmTimeout">How long the LLM merge may take.</param>
public sealed record MergeAgentSettings(
    IActorRef? LlmAgent,
    string LlmAgentName = "",
    string FallbackStrategy = "majority",
    TimeSpan? LlmTimeout = null)
{
    public TimeSpan EffectiveLlmTimeout => LlmTimeout ?? AgentRouterRuntimeSettings.Default.Merge.LlmTimeout;
}
