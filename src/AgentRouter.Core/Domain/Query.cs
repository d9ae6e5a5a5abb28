namespace AgentRouter.Core.Domain;

/// <summary>One request to route.</summary>
/// <param name="TaskType">Known task type (e.g. RouterBench's eval_name, an MMLU subject), or null.</param>
/// <param name="Features">Dense features from an <see cref="Featurization.IQueryFeaturizer"/>; computed once
/// by whoever creates the query so that policies never featurize on the decision path.</param>
/// <param name="Options">Answer options of a multiple-choice query ("A".."D"), or null for free-form.</param>
/// <param name="Chat">The conversation and sampling request behind <paramref name="Text"/> when the query came from a chat
/// request; agents that apply a chat template use it, the others read the flattened text.</param>
public sealed record Query(
    string Id,
    string Text,
    string? TaskType = null,
    float[]? Features = null,
    IReadOnlyList<string>? Options = null,
    ChatContent? Chat = null);
