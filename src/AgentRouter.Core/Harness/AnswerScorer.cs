using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Harness;

/// <summary>What scoring one response gave.</summary>
/// <param name="Correct">1 or 0; null when the item cannot be scored (no known answer).</param>
/// <param name="Extracted">The option letter, number or normalised text read from the response (null when none).</param>
public readonly record struct Score(double? Correct, string? Extracted);

/// <summary>Scores a response against an item's answer, by the item's <see cref="ScoringKind"/>.</summary>
public static partial class AnswerScorer
{
    public static Score Score(HarnessItem item, string? response)
    {
        ArgumentNullException.ThrowIfNull(item);
        switch (item.Scoring)
        {
            case ScoringKind.MultipleChoice:
                var choice = ChoiceExtractor.Extract(response, item.Options ?? ChoiceExtractor.DefaultOptions);
                if (item.Answer is { } letter)
                {
                    return new Score(choice == letter ? 1 : 0, choice);
                }

                // Right letter unknown: a known-wrong letter or an abstention scores 0, another letter cannot be scored.
                var known = choice is null || (item.RejectedChoices?.Contains(choice, StringComparer.Ordinal) ?? false);
                return new Score(known ? 0 : null, choice);
            case ScoringKind.Numeric:
                var number = LastNumber(response);
                var expected = item.Answer is null ? null : ParseNumber(item.Answer);
                return new Score(expected is null ? null : number == expected ? 1 : 0, number?.ToString("G29", CultureInfo.InvariantCulture));
            case ScoringKind.ExactMatch:
                var normalised = Normalize(response);
                return new Score(item.Answer is null ? null : normalised == Normalize(item.Answer) ? 1 : 0, normalised);
            default:
                return new Score(null, null);
        }
    }

    /// <summary>The last number in the text (GSM8K's convention): thousands separators, a currency sign and a
    /// trailing full stop are ignored; "1/2" is not a number. Null when the text has none.</summary>
    public static decimal? LastNumber(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var matches = NumberPattern().Matches(text);
        for (var i = matches.Count - 1; i >= 0; i--)
        {
            if (ParseNumber(matches[i].Value) is { } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Parses "1,234.50", "-3", "$12" or "#### 72" (GSM8K's answer line) to a number; null when it is none.</summary>
    public static decimal? ParseNumber(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var marker = text.LastIndexOf("####", StringComparison.Ordinal);
        var cleaned = (marker >= 0 ? text[(marker + 4)..] : text).Trim().TrimStart('$').Replace(",", string.Empty, StringComparison.Ordinal).TrimEnd('.');
        return decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    /// <summary>SQuAD-style normalisation: lower case, punctuation and the articles a/an/the removed, whitespace collapsed.</summary>
    public static string? Normalize(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            builder.Append(char.IsPunctuation(c) || char.IsSymbol(c) ? ' ' : c);
        }

        var words = builder.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Where(w => w is not ("a" or "an" or "the"));
        return string.Join(' ', words);
    }

    [GeneratedRegex(@"-?\$?\d[\d,]*(?:\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();
}
