using System.Text;

namespace AgentRouter.Inference.Templates;

internal sealed record JinjaJsonOptions(int? Indent = null, bool EnsureAscii = false, (string Item, string Key)? Separators = null, bool SortKeys = false);

/// <summary>The reference's <c>tojson</c>: Python json.dumps layout with JavaScript's JSON.stringify for scalars.</summary>
internal static class JinjaJson
{
    public static string Serialize(JinjaValue value, JinjaJsonOptions options, bool undefinedAsNull = true, int depth = 0)
    {
        var (itemSeparator, keySeparator) = options.Separators ?? (options.Indent is > 0 ? (",", ": ") : (", ", ": "));
        switch (value)
        {
            case JinjaNull:
                return "null";
            case JinjaUndefined:
                return undefinedAsNull ? "null" : "undefined";
            case JinjaInteger integer:
                return NumberJson(integer.Value);
            case JinjaFloat number:
                return NumberJson(number.Value);
            case JinjaBoolean boolean:
                return boolean.Value ? "true" : "false";
            case JinjaString text:
                var quoted = Quote(text.Value);
                return options.EnsureAscii ? AsciiSafe(quoted) : quoted;
            case JinjaArray array:
            {
                var indent = options.Indent is > 0 ? new string(' ', options.Indent.Value) : "";
                var basePadding = "\n" + string.Concat(Enumerable.Repeat(indent, depth));
                var childPadding = basePadding + indent;
                var items = array.Items.Select(item => Serialize(item, options, undefinedAsNull, depth + 1)).ToList();
                return options.Indent is > 0 && items.Count > 0
                    ? $"[{childPadding}{string.Join(itemSeparator + childPadding, items)}{basePadding}]"
                    : $"[{string.Join(itemSeparator, items)}]";
            }
            case JinjaObject or JinjaNamespace:
            {
                var entries = (value is JinjaObject obj ? obj.Entries : ((JinjaNamespace)value).Entries).ToList();
                if (options.SortKeys)
                {
                    // localeCompare under node's default (ICU root) collation; ordinal is the same for ASCII keys
                    // except for case, which ICU orders lower-case first.
                    entries = [.. entries.OrderBy(entry => entry.Key, StringComparer.OrdinalIgnoreCase).ThenBy(entry => entry.Key, StringComparer.Ordinal)];
                }
                var indent = options.Indent is > 0 ? new string(' ', options.Indent.Value) : "";
                var basePadding = "\n" + string.Concat(Enumerable.Repeat(indent, depth));
                var childPadding = basePadding + indent;
                var parts = entries.Select(entry =>
                {
                    var key = Quote(entry.Key);
                    if (options.EnsureAscii)
                    {
                        key = AsciiSafe(key);
                    }
                    var member = $"{key}{keySeparator}{Serialize(entry.Value, options, undefinedAsNull, depth + 1)}";
                    return options.Indent is > 0 ? childPadding + member : member;
                }).ToList();
                return options.Indent is > 0 && parts.Count > 0
                    ? $"{{{string.Join(itemSeparator, parts)}{basePadding}}}"
                    : $"{{{string.Join(itemSeparator, parts)}}}";
            }
            default:
                throw new ChatTemplateException(ChatTemplateErrorKind.Render, $"cannot convert to JSON: {value.TypeName}");
        }
    }

    private static string NumberJson(double value) => double.IsFinite(value) ? JavaScriptNumber.ToString(value) : "null";

    /// <summary>JSON.stringify of a string: escapes quotes, backslashes, control characters and lone surrogates only.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        for (var index = 0; index < text.Length; index++)
        {
            var character = text[index];
            switch (character)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (character < 0x20)
                    {
                        builder.Append("\\u").Append(((int)character).ToString("x4"));
                    }
                    else if (char.IsHighSurrogate(character) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
                    {
                        builder.Append(character).Append(text[++index]);
                    }
                    else if (char.IsSurrogate(character))
                    {
                        builder.Append("\\u").Append(((int)character).ToString("x4"));
                    }
                    else
                    {
                        builder.Append(character);
                    }
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>ensure_ascii: every UTF-16 unit from U+007F up becomes \uXXXX.</summary>
    private static string AsciiSafe(string json)
    {
        var builder = new StringBuilder(json.Length);
        foreach (var character in json)
        {
            if (character >= 0x7F)
            {
                builder.Append("\\u").Append(((int)character).ToString("x4"));
            }
            else
            {
                builder.Append(character);
            }
        }
        return builder.ToString();
    }
}

/// <summary>A variable scope: loops, macros and call blocks open child scopes; 'set' writes to the current one.</summary>
internal sealed class JinjaScope(JinjaScope? parent)
{
    private readonly Dictionary<string, JinjaValue> _variables = new(StringComparer.Ordinal);

    public JinjaScope? Parent { get; } = parent;

    public bool IsCallBlockScope { get; init; }

    public JinjaValue Lookup(string name)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out var value))
            {
                return value;
            }
        }
        return JinjaUndefined.Instance;
    }

    public bool TryGetOwn(string name, out JinjaValue value) => _variables.TryGetValue(name, out value!);

    public void Set(string name, JinjaValue value) => _variables[name] = value;

    public void Declare(string name, JinjaValue value)
    {
        if (!_variables.TryAdd(name, value))
        {
            throw new ChatTemplateException(ChatTemplateErrorKind.Render, $"variable already declared: {name}");
        }
    }
}
