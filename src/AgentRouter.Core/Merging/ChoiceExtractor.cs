using System.Text.RegularExpressions;

namespace AgentRouter.Core.Merging;

/// <summary>Finds the option letter a model chose in its raw answer. It abstains (returns null) rather than
/// guess: when nothing parses, when the letter is not one of the options, or when the text names two
/// different letters as its answer. Forms seen in RouterBench's recorded answers: "B", "B\n", "B)",
/// "B.", "A:", "D (", "B) some text"; also handled: "(B)", "**B**", "Answer: B", "The answer is b.".
/// A leading capital followed by a lowercase word ("A chart", "A hypothesis") is read as the English
/// article, not a choice, so it abstains.</summary>
public static partial class ChoiceExtractor
{
    public static readonly IReadOnlyList<string> DefaultOptions = ["A", "B", "C", "D"];

    /// <summary>Extracts using the default options A–D.</summary>
    public static string? Extract(string? text) => Extract(text, DefaultOptions);

    public static string? Extract(string? text, IReadOnlyList<string> options)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // Fast path for the commonest recorded form: the bare letter, maybe with surrounding whitespace.
        var bare = text.AsSpan().Trim();
        if (bare.Length == 1)
        {
            foreach (var option in options)
            {
                if (option.Length == 1 && option[0] == bare[0])
                {
                    return option;
                }
            }

            return null;
        }

        var cleaned = text.Replace("**", string.Empty, StringComparison.Ordinal).Replace("`", string.Empty, StringComparison.Ordinal).Trim();
        string? found = null;

        var leading = LeadingChoice().Match(cleaned);
        if (leading.Success && !Accept(leading.Groups["letter"].Value, options, ref found))
        {
            return null;
        }

        foreach (Match statement in AnswerStatement().Matches(cleaned))
        {
            var letter = statement.Groups["letter"].Value;
            var lowercase = char.IsLower(letter[0]);
            // "the answer is a bit unclear": a lowercase letter counts only when punctuation or the end follows.
            if (lowercase && !statement.Groups["end"].Success)
            {
                continue;
            }

            if (!Accept(letter.ToUpperInvariant(), options, ref found))
            {
                return null;
            }
        }

        return found;
    }

    /// <summary>Records <paramref name="letter"/>; false when it is not an option or contradicts an earlier one.</summary>
    private static bool Accept(string letter, IReadOnlyList<string> options, ref string? found)
    {
        var known = false;
        foreach (var option in options)
        {
            if (string.Equals(option, letter, StringComparison.Ordinal))
            {
                known = true;
                break;
            }
        }

        if (!known || (found is not null && found != letter))
        {
            return false;
        }

        found = letter;
        return true;
    }

    // A capital letter, optionally in parentheses, alone or followed by ")", ".", ":", " (" or a line break.
    [GeneratedRegex(@"^\(?(?<letter>[A-Z])(?:\)|\.|:|\s*\(|\s*$|\s*\n)", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingChoice();

    [GeneratedRegex(@"\banswer(?:\s+is)?\s*[:\-]?\s*(?:option\s+)?\(?(?<letter>[A-Za-z])(?![A-Za-z])(?<end>\s*$|[).:*,])?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AnswerStatement();
}
