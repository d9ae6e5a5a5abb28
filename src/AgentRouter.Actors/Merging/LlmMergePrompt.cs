using System.Text;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Merging;

/// <summary>The prompt the merge agent sends to its designated model, and how that model's reply is read. Multiple choice:
/// the model names the correct option. Free text (the ORCH prompt): the question and every analysis go in, and the model
/// writes the one final answer.</summary>
public static class LlmMergePrompt
{
    public static string Build(string question, IReadOnlyList<string>? options, IReadOnlyList<AgentAnalysis> analyses)
    {
        var text = new StringBuilder();
        var free = options is not { Count: > 0 };
        text.AppendLine(free
            ? "Several assistants analysed the question below. Combine their analyses into one final answer: keep what they agree on, resolve their disagreements, correct their mistakes."
            : "Several assistants answered the question below. Decide which answer is correct.");
        text.AppendLine().AppendLine("Question:").AppendLine(question);
        if (options is { Count: > 0 })
        {
            text.AppendLine().Append("Options: ").AppendLine(string.Join(", ", options));
        }

        text.AppendLine().AppendLine(free ? "Analyses:" : "Answers:");
        foreach (var analysis in analyses)
        {
            text.Append("- ").Append(analysis.Agent).Append(": ");
            if (analysis.Choice is not null)
            {
                text.Append('(').Append(analysis.Choice).Append(") ");
            }

            text.AppendLine(analysis.Text.ReplaceLineEndings(" "));
        }

        text.AppendLine().Append(free
            ? "Reply with the final answer only, addressed to the person who asked; do not mention the assistants."
            : "Reply with the letter of the correct option only.");
        return text.ToString();
    }

    /// <summary>The option the reply names: the model's parsed choice when it is one of the options, else the
    /// first option that stands alone in the text (e.g. "B", "(B)", "Answer: B."). Null when none does.</summary>
    public static string? ParseChoice(AgentAnalysis reply, IReadOnlyList<string> options)
    {
        if (reply.Choice is { } choice && options.Contains(choice, StringComparer.OrdinalIgnoreCase))
        {
            return options.First(o => string.Equals(o, choice, StringComparison.OrdinalIgnoreCase));
        }

        var text = reply.Text;
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var option in options)
            {
                if (string.CompareOrdinal(text, i, option, 0, option.Length) == 0
                    && (i == 0 || !char.IsLetterOrDigit(text[i - 1]))
                    && (i + option.Length == text.Length || !char.IsLetterOrDigit(text[i + option.Length])))
                {
                    return option;
                }
            }
        }

        return null;
    }

    /// <summary>For free-form questions: the merged answer the reply holds (trimmed), or null when it is empty.</summary>
    public static string? ParseAnswer(AgentAnalysis reply) => string.IsNullOrWhiteSpace(reply.Text) ? null : reply.Text.Trim();
}
