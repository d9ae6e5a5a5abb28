using System.Globalization;
using System.Text;

namespace AgentRouter.Core.Replay;

/// <summary>Parses a Python list literal of string literals, as RouterBench stores prompts and responses
/// (<c>['B']</c>, <c>["it's"]</c>, <c>['A)\n']</c>). Supports both quote kinds, adjacent-literal
/// concatenation and the escapes Python's repr emits (\\ \' \" \n \r \t \a \b \f \v \0-\777 \xHH \uHHHH \UHHHHHHHH).</summary>
public static class PythonStringList
{
    // Reused per thread: prompts run to kilobytes and a fresh builder would regrow for every cell.
    [ThreadStatic]
    private static StringBuilder? t_value;

    /// <exception cref="FormatException">The text is not a list of string literals; the message gives the offset.</exception>
    public static List<string> Parse(string text)
    {
        var items = new List<string>();
        var i = SkipSpace(text, 0);
        Expect(text, ref i, '[');
        i = SkipSpace(text, i);
        if (i < text.Length && text[i] == ']')
        {
            EnsureEnd(text, i + 1);
            return items;
        }

        var value = t_value ??= new StringBuilder();
        while (true)
        {
            value.Clear();
            i = SkipSpace(text, i);
            ReadString(text, ref i, value);
            i = SkipSpace(text, i);
            while (i < text.Length && (text[i] == '\'' || text[i] == '"'))
            {
                ReadString(text, ref i, value);
                i = SkipSpace(text, i);
            }

            items.Add(value.ToString());
            if (i >= text.Length)
            {
                throw new FormatException($"list not closed with ']' at offset {i}");
            }

            if (text[i] == ']')
            {
                EnsureEnd(text, i + 1);
                return items;
            }

            Expect(text, ref i, ',');
            i = SkipSpace(text, i);
            if (i < text.Length && text[i] == ']')
            {
                EnsureEnd(text, i + 1);
                return items;
            }
        }
    }

    /// <summary>Writes a one-string list literal that <see cref="Parse"/> reads back to exactly <paramref name="value"/>
    /// (the form RouterBench stores cells in): single quotes, with backslash, quote and control characters escaped.</summary>
    public static string Format(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 6).Append("['");
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\'': text.Append("\\'"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c))
                    {
                        // Lone or paired surrogates are kept as UTF-16 units; the parser restores them unit by unit.
                        text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append("']").ToString();
    }

    private static void ReadString(string text, ref int i, StringBuilder value)
    {
        if (i >= text.Length || (text[i] != '\'' && text[i] != '"'))
        {
            throw new FormatException($"expected a string literal at offset {i}");
        }

        var quote = text[i++];
        while (true)
        {
            if (i >= text.Length)
            {
                throw new FormatException("string literal not closed");
            }

            // Copy the run up to the next quote or backslash in one go.
            var run = text.AsSpan(i).IndexOfAny(quote, '\\');
            if (run < 0)
            {
                throw new FormatException("string literal not closed");
            }

            value.Append(text.AsSpan(i, run));
            i += run;
            var c = text[i++];
            if (c == quote)
            {
                return;
            }

            if (i >= text.Length)
            {
                throw new FormatException("escape at end of text");
            }

            var e = text[i++];
            switch (e)
            {
                case '\\': value.Append('\\'); break;
                case '\'': value.Append('\''); break;
                case '"': value.Append('"'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'a': value.Append('\a'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'v': value.Append('\v'); break;
                case '\n': break; // a backslash-newline continues the literal
                case 'x': AppendCodePoint(value, ReadHex(text, ref i, 2)); break;
                case 'u': AppendCodePoint(value, ReadHex(text, ref i, 4)); break;
                case 'U': AppendCodePoint(value, ReadHex(text, ref i, 8)); break;
                case >= '0' and <= '7':
                    var code = e - '0';
                    for (var n = 0; n < 2 && i < text.Length && text[i] is >= '0' and <= '7'; n++)
                    {
                        code = (code * 8) + (text[i++] - '0');
                    }

                    AppendCodePoint(value, code);
                    break;
                default:
                    // Python keeps unknown escapes verbatim, backslash included.
                    value.Append('\\').Append(e);
                    break;
            }
        }
    }

    private static int ReadHex(string text, ref int i, int digits)
    {
        if (i + digits > text.Length ||
            !int.TryParse(text.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw new FormatException($"bad hexadecimal escape at offset {i}");
        }

        i += digits;
        return code;
    }

    private static void AppendCodePoint(StringBuilder value, int code)
    {
        if (code is < 0 or > 0x10FFFF)
        {
            throw new FormatException($"code point {code:X} out of range");
        }

        // Lone surrogates (possible in Python text) are kept as the UTF-16 unit they are.
        if (code is >= 0xD800 and <= 0xDFFF)
        {
            value.Append((char)code);
            return;
        }

        value.Append(char.ConvertFromUtf32(code));
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static void Expect(string text, ref int i, char expected)
    {
        if (i >= text.Length || text[i] != expected)
        {
            throw new FormatException($"expected '{expected}' at offset {i}");
        }

        i++;
    }

    private static void EnsureEnd(string text, int i)
    {
        if (SkipSpace(text, i) != text.Length)
        {
            throw new FormatException($"unexpected text after the list at offset {i}");
        }
    }
}
