using AgentRouter.Core.Backends;

namespace AgentRouter.Inference.Generation;

/// <summary>A generation or logits request the model cannot serve; names the offending field. Being an
/// <see cref="InvalidQueryException"/>, it reaches a client as a rejected query (HTTP 400), not as an agent failure.</summary>
public sealed class GenerationRequestException(string field, string problem) : InvalidQueryException(field, problem);
