using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>
/// A tokenizer.json split pattern run with the semantics of the reference (transformers' tokenizers as
/// ported to JavaScript: a <c>u</c>-flag RegExp) on .NET's regex engine, which differs in two ways:
/// <list type="bullet">
/// <item>.NET matches UTF-16 code units, so an astral-plane letter (𝐀, U+1D400) is two surrogates that
/// <c>\p{L}</c> does not match. Before matching, every astral code point is replaced by one BMP stand-in of
/// the same general category (Lu → À, So → ¦, …), and match positions are mapped back.</item>
/// <item><c>\s</c> means JavaScript's white space (it includes U+FEFF, not U+0085): it is rewritten to that
/// explicit set.</item>
/// </list>
/// The (?i:'s|'t|…) group is expanded the way the reference does ([sS] etc.) so case folding cannot differ.
/// </summary>
internal sealed class CodePointRegex
{
    private const string JavaScriptWhiteSpace = "\\t\\n\\v\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

    private static readonly (string From, string To)[] ReferenceRewrites =
    [
        ("(?i:'s|'t|'re|'ve|'m|'ll|'d)", "(?:'([sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))"),
    ];

    private readonly Regex _regex;

    public CodePointRegex(string pattern)
    {
        Pattern = pattern;
        var rewritten = pattern;
        foreach (var (from, to) in ReferenceRewrites)
        {
            rewritten = rewritten.Replace(from, to, StringComparison.Ordinal);
        }
        _regex = new Regex(RewriteWhiteSpace(rewritten), RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    public string Pattern { get; }

    /// <summary>Every non-empty match as (start, length) in <paramref name="text"/>'s own UTF-16 positions.</summary>
    public List<(int Start, int Length)> Matches(string text)
    {
        var (subject, positions) = MapAstral(text);
        var result = new List<(int, int)>();
        for (var match = _regex.Match(subject); match.Success; match = match.NextMatch())
        {
            if (match.Length == 0)
            {
                continue;
            }
            var start = positions is null ? match.Index : positions[match.Index];
            var end = positions is null ? match.Index + match.Length : positions[match.Index + match.Length];
            result.Add((start, end - start));
        }
        return result;
    }

    private static (string Subject, int[]? Positions) MapAstral(string text)
    {
        var hasSurrogatePair = false;
        for (var index = 0; index + 1 < text.Length; index++)
        {
            if (char.IsHighSurrogate(text[index]) && char.IsLowSurrogate(text[index + 1]))
            {
                hasSurrogatePair = true;
                break;
            }
        }
        if (!hasSurrogatePair)
        {
            return (text, null);
        }
        var builder = new StringBuilder(text.Length);
        var positions = new List<int>(text.Length + 1);
        for (var index = 0; index < text.Length; index++)
        {
            positions.Add(index);
            if (char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                builder.Append(StandIn(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[index], text[index + 1]))));
                index++;
            }
            else
            {
                builder.Append(text[index]);
            }
        }
        positions.Add(text.Length);
        return (builder.ToString(), positions.ToArray());
    }

    /// <summary>
    /// A BMP character of the same general category, chosen outside ASCII, outside the CJK/kana ranges that
    /// some patterns name literally, and outside white space, so it matches exactly the classes the astral
    /// character would.
    /// </summary>
    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => '\u00C0',
        UnicodeCategory.LowercaseLetter => '\u00E0',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u05D0',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u20DD',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00A1',
        UnicodeCategory.MathSymbol => '\u00AC',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u02C2',
        UnicodeCategory.OtherSymbol => '\u00A6',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        _ => '\u0378', // unassigned
    };

    /// <summary>Rewrites \s, \S, \d and \w (outside and inside character classes) to JavaScript's meaning.</summary>
    private static string RewriteWhiteSpace(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 64);
        var inClass = false;
        for (var index = 0; index < pattern.Length; index++)
        {
            var character = pattern[index];
            if (character == '\\' && index + 1 < pattern.Length)
            {
                var escaped = pattern[index + 1];
                index++;
                if (escaped == 's')
                {
                    builder.Append(inClass ? JavaScriptWhiteSpace : "[" + JavaScriptWhiteSpace + "]");
                }
                else if (escaped == 'S')
                {
                    if (inClass)
                    {
                        throw new NotSupportedException(@"\S inside a character class");
                    }
                    builder.Append("[^" + JavaScriptWhiteSpace + "]");
                }
                else if (escaped is 'd' or 'w' or 'D' or 'W')
                {
                    // JavaScript's \d and \w are ASCII-only; .NET's are Unicode.
                    var set = escaped is 'd' or 'D' ? "0-9" : "A-Za-z0-9_";
                    builder.Append(inClass ? set : (escaped is 'D' or 'W' ? "[^" : "[") + set + "]");
                    if (inClass && escaped is 'D' or 'W')
                    {
                        throw new NotSupportedException($@"\{escaped} inside a character class");
                    }
                }
                else
                {
                    builder.Append('\\').Append(escaped);
                }
                continue;
            }
            if (character == '[' && !inClass)
            {
                inClass = true;
            }
            else if (character == ']' && inClass)
            {
                inClass = false;
            }
            builder.Append(character);
        }
        return builder.ToString();
    }
}
