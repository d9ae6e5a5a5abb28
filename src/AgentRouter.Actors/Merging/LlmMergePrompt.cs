using System.Text;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Merging;

/// <summary>The prompt the merge agent sends to its designated model, and how that model's reply is read.</summary>
public static class LlmMergePrompt
{
    public static string Build(string question, IReadOnlyList<string>? options, IReadOnlyList<AgentAnalysis> analyses)
    {
        var text = new StringBuilder();
        text.AppendLine("Several assistants answered the question below. Decide which answer is correct.");
        text.AppendLine().AppendLine("Question:").AppendLine(question);
        if (options is { Count: > 0 })
        {
            text.AppendLine().Append("Options: ").AppendLine(string.Join(", ", options));
        }

        text.AppendLine().AppendLine("Answers:");
        foreach (var analysis in analyses)
        {
            text.Append("- ").Append(analysis.Agent).Append(": ");
            if (analysis.Choice is not null)
            {
                text.Append('(').Append(analysis.Choice).Append(") ");
            }

            text.AppendLine(analysis.Text.ReplaceLineEndings(" "));
        }

        text.AppendLine().Append(options is { Count: > 0 }
            ? "Reply with the letter of the correct option only."
            : "Reply with the name of the assistant whose answer is best.");
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

    /// <summary>For free-form questions: the panel member the reply names, if any.</summary>
    public static AgentAnalysis? ParseAgent(AgentAnalysis reply, IReadOnlyList<AgentAnalysis> analyses) =>
        analyses.FirstOrDefault(a => reply.Text.Contains(a.Agent, StringComparison.OrdinalIgnoreCase));
}
