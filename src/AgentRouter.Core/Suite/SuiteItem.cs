using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Suite;

/// <summary>One discrete-choice question of the task suite.</summary>
/// <param name="Id">Stable id: domain plus a hash of the question text.</param>
/// <param name="Options">The four option texts, for letters A..D in order.</param>
/// <param name="Answer">The gold letter, "A".."D".</param>
public sealed record SuiteItem(
    string Id,
    string Domain,
    int Difficulty,
    string Question,
    IReadOnlyList<string> Options,
    string Answer)
{
    public SuiteSplit Split => SuiteSplits.Of(Question);

    public string CorrectOption => Options[SuitePrompt.LetterIndex(Answer)];

    public string Prompt => SuitePrompt.Format(this);

    /// <summary>The routable query: text is the prompt, task type the domain, options the letters.</summary>
    public Query ToQuery() => new(Id, Prompt, Domain, Options: SuitePrompt.Letters);

    public static string IdFor(string domain, string question) =>
        $"{domain}-{SuiteSplits.Fnv1a64(question):x16}";

    // Records compare lists by reference; items are values, so compare options element-wise.
    public bool Equals(SuiteItem? other) =>
        other is not null
        && Id == other.Id
        && Domain == other.Domain
        && Difficulty == other.Difficulty
        && Question == other.Question
        && Answer == other.Answer
        && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => HashCode.Combine(Id, Domain, Difficulty, Question, Answer, Options.Count);
}
