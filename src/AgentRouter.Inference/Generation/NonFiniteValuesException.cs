namespace AgentRouter.Inference.Generation;

/// <summary>A forward pass met NaN or infinite values (e.g. router logits from weights that overflowed), so no
/// expert or token can be chosen. An agent answers the request as failed with this message; the kernel never
/// indexes with a choice it could not make.</summary>
public sealed class NonFiniteValuesException(string where) : Exception($"the model produced NaN or infinite values in {where}");
