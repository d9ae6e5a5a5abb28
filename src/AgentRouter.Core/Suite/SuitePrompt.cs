using System.Text;

namespace AgentRouter.Core.Suite;

/// <summary>The one prompt format shared by training data and the local backend:
/// <c>Q: 47+38=? A) 85 B) 75 C) 86 D) 84\nAnswer: </c> followed by the gold letter. Compact because the
/// local models are byte-level decoders with a context of a few hundred bytes.</summary>
public static class SuitePrompt
{
    public const string AnswerCue = "\nAnswer: ";

    public static IReadOnlyList<string> Letters { get; } = ["A", "B", "C", "D"];

    public static string Format(SuiteItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Format(item.Question, item.Options);
    }

    public static string Format(string question, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count != Letters.Count)
        {
            throw new ArgumentException($"A suite prompt needs exactly {Letters.Count} options, got {options.Count}.", nameof(options));
        }

        var builder = new StringBuilder("Q: ").Append(question);
        for (var i = 0; i < options.Count; i++)
        {
            builder.Append(' ').Append(Letters[i]).Append(") ").Append(options[i]);
        }

        return builder.Append(AnswerCue).ToString();
    }

    /// <summary>Prompt plus the gold letter: one training example.</summary>
    public static string FormatWithAnswer(SuiteItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Format(item) + item.Answer;
    }

    public static int LetterIndex(string letter)
    {
        for (var i = 0; i < Letters.Count; i++)
        {
            if (string.Equals(Letters[i], letter, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
