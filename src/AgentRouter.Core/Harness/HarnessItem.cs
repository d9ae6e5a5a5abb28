namespace AgentRouter.Core.Harness;

/// <summary>How a response to a harness item is scored.</summary>
public enum ScoringKind
{
    /// <summary>The item has no known answer: calls are recorded but not scored.</summary>
    None,

    /// <summary>The option letter found by <see cref="Merging.ChoiceExtractor"/> must equal the answer letter.</summary>
    MultipleChoice,

    /// <summary>GSM8K style: the last number in the response must equal the answer number.</summary>
    Numeric,

    /// <summary>The normalised response (case, punctuation, articles, whitespace) must equal the normalised answer.</summary>
    ExactMatch,
}

/// <summary>One chat message of an item given as a conversation.</summary>
public sealed record HarnessMessage(string Role, string Content);

/// <summary>One benchmark question the harness sends to agents.</summary>
/// <param name="Id">Unique within the dataset; the key of resumption and of the outcomes CSV's <c>sample_id</c>.</param>
/// <param name="Prompt">The text sent (a conversation flattened to "role: text" lines when <paramref name="Messages"/> is set).</param>
/// <param name="Messages">The conversation, when the item was given as one; null for a single user prompt.</param>
/// <param name="TaskType">The task (RouterBench's <c>eval_name</c>); reports group by it.</param>
/// <param name="Options">Option letters of a multiple-choice item, else null.</param>
/// <param name="Answer">The reference answer (an option letter, a number or a text); null when unknown.</param>
/// <param name="RejectedChoices">Option letters known to be wrong when the right one is unknown (RouterBench rows that
/// no model answered correctly): answering one of them, or abstaining, scores 0; any other letter is unscored.</param>
public sealed record HarnessItem(
    string Id,
    string Prompt,
    IReadOnlyList<HarnessMessage>? Messages,
    string? TaskType,
    IReadOnlyList<string>? Options,
    string? Answer,
    ScoringKind Scoring,
    IReadOnlyList<string>? RejectedChoices = null);
