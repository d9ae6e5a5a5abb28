using System.Text;

namespace AgentRouter.Inference.Templates;

internal enum JinjaTokenType
{
    Text, NumericLiteral, StringLiteral, Identifier, Equals, OpenParen, CloseParen, OpenStatement, CloseStatement,
    OpenExpression, CloseExpression, OpenSquareBracket, CloseSquareBracket, OpenCurlyBracket, CloseCurlyBracket,
    Comma, Dot, Colon, Pipe, AdditiveBinaryOperator, MultiplicativeBinaryOperator, ExponentiationBinaryOperator,
    ComparisonBinaryOperator, UnaryOperator, Comment,
}

/// <summary>A token and its offset in the original template source (for error positions).</summary>
internal sealed class JinjaToken(string value, JinjaTokenType type, int offset)
{
    public string Value { get; set; } = value;
    public JinjaTokenType Type { get; } = type;
    public int Offset { get; } = offset;
}

/// <summary>
/// Jinja tokens exactly as @huggingface/jinja 0.5.13 produces them, with its transformers configuration
/// (trim_blocks and lstrip_blocks on, one trailing newline dropped, the <c>generation</c> tag removed).
/// </summary>
internal static class JinjaLexer
{
    private static readonly (string Sequence, JinjaTokenType Type)[] Rules =
    [
        ("{%", JinjaTokenType.OpenStatement), ("%}", JinjaTokenType.CloseStatement), ("{{", JinjaTokenType.OpenExpression),
        ("}}", JinjaTokenType.CloseExpression), ("(", JinjaTokenType.OpenParen), (")", JinjaTokenType.CloseParen),
        ("{", JinjaTokenType.OpenCurlyBracket), ("}", JinjaTokenType.CloseCurlyBracket), ("[", JinjaTokenType.OpenSquareBracket),
        ("]", JinjaTokenType.CloseSquareBracket), (",", JinjaTokenType.Comma), (".", JinjaTokenType.Dot), (":", JinjaTokenType.Colon),
        ("|", JinjaTokenType.Pipe), ("<=", JinjaTokenType.ComparisonBinaryOperator), (">=", JinjaTokenType.ComparisonBinaryOperator),
        ("==", JinjaTokenType.ComparisonBinaryOperator), ("!=", JinjaTokenType.ComparisonBinaryOperator),
        ("<", JinjaTokenType.ComparisonBinaryOperator), (">", JinjaTokenType.ComparisonBinaryOperator),
        ("+", JinjaTokenType.AdditiveBinaryOperator), ("-", JinjaTokenType.AdditiveBinaryOperator), ("~", JinjaTokenType.AdditiveBinaryOperator),
        ("**", JinjaTokenType.ExponentiationBinaryOperator), ("*", JinjaTokenType.MultiplicativeBinaryOperator),
        ("//", JinjaTokenType.MultiplicativeBinaryOperator), ("/", JinjaTokenType.MultiplicativeBinaryOperator),
        ("%", JinjaTokenType.MultiplicativeBinaryOperator), ("=", JinjaTokenType.Equals),
    ];

    public static List<JinjaToken> Tokenize(string source, JinjaSource positions)
    {
        var (src, map) = Preprocess(source);
        positions.Map = map;
        var tokens = new List<JinjaToken>();
        var cursor = 0;
        var length = src.Length;
        var curlyDepth = 0;

        ChatTemplateException Error(string problem, int at) => positions.Error(ChatTemplateErrorKind.Syntax, problem, map[Math.Min(at, length)]);

        string ConsumeWhile(Func<char, bool> predicate)
        {
            var start = cursor;
            while (cursor < length && predicate(src[cursor]))
            {
                if (++cursor >= length)
                {
                    throw Error("unexpected end of input", cursor);
                }
            }
            return src[start..cursor];
        }

        void StripTrailingWhitespace()
        {
            if (tokens.Count > 0 && tokens[^1].Type == JinjaTokenType.Text)
            {
                tokens[^1].Value = JavaScriptText.TrimEnd(tokens[^1].Value);
                if (tokens[^1].Value.Length == 0)
                {
                    tokens.RemoveAt(tokens.Count - 1);
                }
            }
        }

        void SkipLeadingWhitespace()
        {
            while (cursor < length && JavaScriptText.IsWhiteSpace(src[cursor]))
            {
                cursor++;
            }
        }

        while (cursor < length)
        {
            var lastType = tokens.Count > 0 ? tokens[^1].Type : (JinjaTokenType?)null;
            if (lastType is null or JinjaTokenType.CloseStatement or JinjaTokenType.CloseExpression or JinjaTokenType.Comment)
            {
                var end = cursor;
                while (true)
                {
                    end = src.IndexOf('{', end);
                    if (end < 0)
                    {
                        end = length;
                        break;
                    }
                    if (end + 1 < length && src[end + 1] is '%' or '{' or '#')
                    {
                        break;
                    }
                    end++;
                }
                if (end > cursor)
                {
                    tokens.Add(new JinjaToken(src[cursor..end], JinjaTokenType.Text, map[cursor]));
                    cursor = end;
                    continue;
                }
            }

            if (src[cursor] == '{' && cursor + 1 < length)
            {
                var next = src[cursor + 1];
                if (next == '#')
                {
                    var open = cursor;
                    cursor += 2;
                    var stripBefore = cursor < length && src[cursor] == '-';
                    if (stripBefore)
                    {
                        cursor++;
                    }
                    var end = src.IndexOf("#}", cursor, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw Error("missing end of comment tag #}", open);
                    }
                    var comment = src[cursor..end];
                    var stripAfter = comment.EndsWith('-');
                    if (stripAfter)
                    {
                        comment = comment[..^1];
                    }
                    if (stripBefore)
                    {
                        StripTrailingWhitespace();
                    }
                    tokens.Add(new JinjaToken(comment, JinjaTokenType.Comment, map[open]));
                    cursor = end + 2;
                    if (stripAfter)
                    {
                        SkipLeadingWhitespace();
                    }
                    continue;
                }
                if (cursor + 2 < length && src[cursor + 2] == '-' && next is '%' or '{')
                {
                    StripTrailingWhitespace();
                    tokens.Add(next == '%'
                        ? new JinjaToken("{%", JinjaTokenType.OpenStatement, map[cursor])
                        : new JinjaToken("{{", JinjaTokenType.OpenExpression, map[cursor]));
                    if (next == '{')
                    {
                        curlyDepth = 0;
                    }
                    cursor += 3;
                    continue;
                }
            }

            ConsumeWhile(JavaScriptText.IsWhiteSpace);
            if (cursor >= length)
            {
                break;
            }
            var character = src[cursor];

            if (character == '-' && cursor + 2 < length && src[cursor + 2] == '}' && src[cursor + 1] is '%' or '}')
            {
                tokens.Add(src[cursor + 1] == '%'
                    ? new JinjaToken("%}", JinjaTokenType.CloseStatement, map[cursor])
                    : new JinjaToken("}}", JinjaTokenType.CloseExpression, map[cursor]));
                cursor += 3;
                SkipLeadingWhitespace();
                continue;
            }

            if (character is '-' or '+')
            {
                if (lastType is null or JinjaTokenType.Text)
                {
                    throw Error($"unexpected character: {character}", cursor);
                }
                if (lastType is not (JinjaTokenType.Identifier or JinjaTokenType.NumericLiteral or JinjaTokenType.StringLiteral
                    or JinjaTokenType.CloseParen or JinjaTokenType.CloseSquareBracket))
                {
                    var start = cursor++;
                    var number = ConsumeWhile(char.IsAsciiDigit);
                    if (number.Length > 0 && cursor + 1 < length && src[cursor] == '.' && char.IsAsciiDigit(src[cursor + 1]))
                    {
                        cursor++;
                        number = $"{number}.{ConsumeWhile(char.IsAsciiDigit)}";
                    }
                    tokens.Add(new JinjaToken($"{character}{number}", number.Length > 0 ? JinjaTokenType.NumericLiteral : JinjaTokenType.UnaryOperator, map[start]));
                    continue;
                }
            }

            var matched = false;
            foreach (var (sequence, type) in Rules)
            {
                if (sequence[0] != character || (sequence == "}}" && curlyDepth > 0) || string.CompareOrdinal(src, cursor, sequence, 0, sequence.Length) != 0)
                {
                    continue;
                }
                tokens.Add(new JinjaToken(sequence, type, map[cursor]));
                if (type == JinjaTokenType.OpenExpression)
                {
                    curlyDepth = 0;
                }
                else if (type == JinjaTokenType.OpenCurlyBracket)
                {
                    curlyDepth++;
                }
                else if (type == JinjaTokenType.CloseCurlyBracket)
                {
                    curlyDepth--;
                }
                cursor += sequence.Length;
                matched = true;
                break;
            }
            if (matched)
            {
                continue;
            }

            if (character is '\'' or '"')
            {
                var start = cursor++;
                tokens.Add(new JinjaToken(ConsumeString(src, ref cursor, character, at => Error("unexpected end of input in a string literal", at),
                    problem => Error(problem, cursor)), JinjaTokenType.StringLiteral, map[start]));
                cursor++;
                continue;
            }
            if (char.IsAsciiDigit(character))
            {
                var start = cursor;
                var number = ConsumeWhile(char.IsAsciiDigit);
                if (lastType != JinjaTokenType.Dot && cursor + 1 < length && src[cursor] == '.' && char.IsAsciiDigit(src[cursor + 1]))
                {
                    cursor++;
                    number = $"{number}.{ConsumeWhile(char.IsAsciiDigit)}";
                }
                tokens.Add(new JinjaToken(number, JinjaTokenType.NumericLiteral, map[start]));
                continue;
            }
            if (IsWord(character))
            {
                var start = cursor;
                tokens.Add(new JinjaToken(ConsumeWhile(IsWord), JinjaTokenType.Identifier, map[start]));
                continue;
            }
            throw Error($"unexpected character: {character}", cursor);
        }
        return tokens;
    }

    private static bool IsWord(char character) => char.IsAsciiLetterOrDigit(character) || character == '_';

    private static string ConsumeString(string src, ref int cursor, char quote, Func<int, Exception> endOfInput, Func<string, Exception> invalid)
    {
        var builder = new StringBuilder();
        while (true)
        {
            if (cursor >= src.Length)
            {
                throw endOfInput(cursor);
            }
            var character = src[cursor];
            if (character == quote)
            {
                return builder.ToString();
            }
            cursor++;
            if (character != '\\')
            {
                builder.Append(character);
                continue;
            }
            if (cursor >= src.Length)
            {
                throw endOfInput(cursor);
            }
            var escaped = src[cursor++];
            if (escaped is 'x' or 'u')
            {
                var digits = escaped == 'x' ? 2 : 4;
                var hex = cursor + digits <= src.Length ? src.Substring(cursor, digits) : src[cursor..];
                if (hex.Length != digits || !hex.All(char.IsAsciiHexDigit))
                {
                    throw invalid($"invalid hexadecimal escape sequence: \\{escaped}{hex}");
                }
                builder.Append((char)Convert.ToInt32(hex, 16));
                cursor += digits;
                continue;
            }
            builder.Append(escaped switch
            {
                'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', 'v' => '\v', '\'' => '\'', '"' => '"', '\\' => '\\',
                _ => throw invalid($"unexpected escaped character: {escaped}"),
            });
        }
    }

    /// <summary>
    /// The reference's preprocessing, keeping for every remaining character its offset in the original source:
    /// drop one trailing newline; lstrip_blocks (spaces/tabs before {%, {# at a line start); trim_blocks (the
    /// newline after %}, #}); remove {% generation %} / {% endgeneration %} tags.
    /// </summary>
    internal static (string Text, int[] Map) Preprocess(string source)
    {
        var text = new StringBuilder(source);
        var map = Enumerable.Range(0, source.Length + 1).ToList();
        void Remove(int start, int count)
        {
            text.Remove(start, count);
            map.RemoveRange(start, count);
        }
        if (text.Length > 0 && text[^1] == '\n')
        {
            Remove(text.Length - 1, 1);
        }
        // lstrip_blocks: /^[ \t]*({[#%-])/gm, where ^ follows any JavaScript line terminator.
        for (var index = 0; index < text.Length; index++)
        {
            if (index > 0 && text[index - 1] is not ('\n' or '\r' or '\u2028' or '\u2029'))
            {
                continue;
            }
            var end = index;
            while (end < text.Length && text[end] is ' ' or '\t')
            {
                end++;
            }
            if (end > index && end + 1 < text.Length && text[end] == '{' && text[end + 1] is '#' or '%' or '-')
            {
                Remove(index, end - index);
            }
        }
        // trim_blocks: /([#%-]})\n/g
        for (var index = 0; index + 2 < text.Length; index++)
        {
            if (text[index] is '#' or '%' or '-' && text[index + 1] == '}' && text[index + 2] == '\n')
            {
                Remove(index + 2, 1);
            }
        }
        RemoveGenerationTags(text, map);
        return (text.ToString(), map.ToArray());
    }

    /// <summary>/{%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs: the tag goes, and with '-' the white space beside it.</summary>
    private static void RemoveGenerationTags(StringBuilder text, List<int> map)
    {
        var lastIndex = 0;
        for (var index = 0; index + 1 < text.Length; index++)
        {
            if (text[index] != '{' || text[index + 1] != '%')
            {
                continue;
            }
            var cursor = index + 2;
            var leftStrip = cursor < text.Length && text[cursor] == '-';
            if (leftStrip)
            {
                cursor++;
            }
            while (cursor < text.Length && JavaScriptText.IsWhiteSpace(text[cursor]))
            {
                cursor++;
            }
            var word = "generation";
            if (Matches(text, cursor, "endgeneration"))
            {
                cursor += "endgeneration".Length;
            }
            else if (Matches(text, cursor, word))
            {
                cursor += word.Length;
            }
            else
            {
                continue;
            }
            while (cursor < text.Length && JavaScriptText.IsWhiteSpace(text[cursor]))
            {
                cursor++;
            }
            var rightStrip = cursor < text.Length && text[cursor] == '-';
            if (rightStrip)
            {
                cursor++;
            }
            if (!Matches(text, cursor, "%}"))
            {
                continue;
            }
            cursor += 2;
            var afterEnd = cursor;
            while (afterEnd < text.Length && JavaScriptText.IsWhiteSpace(text[afterEnd]))
            {
                afterEnd++;
            }
            var start = index;
            while (leftStrip && start > lastIndex && JavaScriptText.IsWhiteSpace(text[start - 1]))
            {
                start--;
            }
            var removeEnd = rightStrip ? afterEnd : cursor;
            text.Remove(start, removeEnd - start);
            map.RemoveRange(start, removeEnd - start);
            lastIndex = start + (rightStrip ? 0 : afterEnd - cursor);
            index = lastIndex - 1;
        }
    }

    private static bool Matches(StringBuilder text, int at, string expected)
    {
        if (at + expected.Length > text.Length)
        {
            return false;
        }
        for (var index = 0; index < expected.Length; index++)
        {
            if (text[at + index] != expected[index])
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>The original template source and the map from preprocessed offsets back to it, for error positions.</summary>
internal sealed class JinjaSource(string source)
{
    public int[] Map { get; set; } = [];

    public ChatTemplateException Error(ChatTemplateErrorKind kind, string problem, int originalOffset)
    {
        var line = 1;
        var column = 1;
        for (var index = 0; index < originalOffset && index < source.Length; index++)
        {
            if (source[index] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
        return new ChatTemplateException(kind, problem, line, column);
    }
}
