namespace AgentRouter.Inference.Templates;

/// <summary>
/// JavaScript's notion of white space (<c>\s</c>, <c>trim</c>), which the reference implementations use and which
/// differs from .NET's <see cref="char.IsWhiteSpace(char)"/>: it includes U+FEFF and excludes U+0085.
/// </summary>
internal static class JavaScriptText
{
    public static bool IsWhiteSpace(char character) => character switch
    {
        ' ' or '\t' or '\n' or '\v' or '\f' or '\r' => true,
        < '\u00A0' => false,
        '\u00A0' or '\u1680' or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' or '\uFEFF' => true,
        >= '\u2000' and <= '\u200A' => true,
        _ => false,
    };

    public static string TrimEnd(string text)
    {
        var end = text.Length;
        while (end > 0 && IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        return end == text.Length ? text : text[..end];
    }

    public static string TrimStart(string text)
    {
        var start = 0;
        while (start < text.Length && IsWhiteSpace(text[start]))
        {
            start++;
        }
        return start == 0 ? text : text[start..];
    }

    public static string Trim(string text) => TrimStart(TrimEnd(text));
}
