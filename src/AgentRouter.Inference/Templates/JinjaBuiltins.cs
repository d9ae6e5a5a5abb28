using System.Text.RegularExpressions;

namespace AgentRouter.Inference.Templates;

/// <summary>Tests, string and mapping methods of @huggingface/jinja 0.5.13 (filters are in <see cref="JinjaFilters"/>).</summary>
internal static partial class JinjaBuiltins
{
    public static readonly HashSet<string> FilterNames =
    [
        "safe", "tojson", "list", "first", "last", "length", "reverse", "sort", "join", "string", "unique", "upper", "lower",
        "title", "capitalize", "trim", "indent", "int", "float", "abs", "items", "bool", "default", "selectattr", "rejectattr",
        "map", "replace", "get", "keys", "values", "dictsort",
    ];

    public static readonly Dictionary<string, Func<JinjaValue, JinjaValue?, bool>> Tests = new()
    {
        ["boolean"] = (operand, _) => operand is JinjaBoolean,
        ["callable"] = (operand, _) => operand is JinjaFunction,
        ["odd"] = (operand, _) => operand is JinjaInteger integer ? integer.Value % 2 != 0 : throw Fail($"cannot odd on {operand.TypeName}"),
        ["even"] = (operand, _) => operand is JinjaInteger integer ? integer.Value % 2 == 0 : throw Fail($"cannot even on {operand.TypeName}"),
        ["false"] = (operand, _) => operand is JinjaBoolean { Value: false },
        ["true"] = (operand, _) => operand is JinjaBoolean { Value: true },
        ["none"] = (operand, _) => operand is JinjaNull,
        ["string"] = (operand, _) => operand is JinjaString,
        ["number"] = (operand, _) => operand is JinjaInteger or JinjaFloat,
        ["integer"] = (operand, _) => operand is JinjaInteger,
        ["iterable"] = (operand, _) => operand.GetType() == typeof(JinjaArray) || operand is JinjaString,
        ["mapping"] = (operand, _) => operand is JinjaObject,
        ["sequence"] = (operand, _) => operand is JinjaArray or JinjaObject or JinjaString,
        ["lower"] = (operand, _) => operand is JinjaString text && text.Value == text.Value.ToLowerInvariant(),
        ["upper"] = (operand, _) => operand is JinjaString text && text.Value == text.Value.ToUpperInvariant(),
        ["defined"] = (operand, _) => operand is not JinjaUndefined,
        ["undefined"] = (operand, _) => operand is JinjaUndefined,
        ["equalto"] = (operand, other) => StrictEquals(operand, other ?? JinjaUndefined.Instance),
        ["eq"] = (operand, other) => StrictEquals(operand, other ?? JinjaUndefined.Instance),
    };

    public static ChatTemplateException Fail(string problem) => new(ChatTemplateErrorKind.Render, problem);

    /// <summary>JavaScript's === on the underlying values (objects and arrays by reference).</summary>
    public static bool StrictEquals(JinjaValue left, JinjaValue right) => (left.Primitive, right.Primitive) switch
    {
        (double a, double b) => a == b,
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (bool a, bool b) => a == b,
        (null, null) => true,
        var (a, b) => a is not null && ReferenceEquals(a, b),
    };

    /// <summary>JavaScript's == on the underlying values: numbers, strings and booleans coerce; null equals undefined.</summary>
    public static bool LooseEquals(JinjaValue left, JinjaValue right)
    {
        var a = left.Primitive;
        var b = right.Primitive;
        var aNullish = a is null || a is JinjaUndefined;
        var bNullish = b is null || b is JinjaUndefined;
        if (aNullish || bNullish)
        {
            return aNullish && bNullish;
        }
        if (a is double or string or bool && b is double or string or bool)
        {
            if (a is string sa && b is string sb)
            {
                return string.Equals(sa, sb, StringComparison.Ordinal);
            }
            return ToNumber(a) == ToNumber(b);
        }
        if (a is double or string or bool || b is double or string or bool)
        {
            return false; // an object against a primitive: the reference's Map/array never converts to a matching primitive here
        }
        return ReferenceEquals(a, b);
    }

    private static double ToNumber(object value) => value switch
    {
        double number => number,
        bool flag => flag ? 1 : 0,
        string text => JavaScriptStringToNumber(text),
        _ => double.NaN,
    };

    private static double JavaScriptStringToNumber(string text)
    {
        var trimmed = JavaScriptText.Trim(text);
        if (trimmed.Length == 0)
        {
            return 0;
        }
        return double.TryParse(trimmed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
    }

    /// <summary>Members of a string reachable with '.' (methods and <c>length</c>).</summary>
    public static JinjaValue? StringMember(JinjaString target, string name)
    {
        var value = target.Value;
        return name switch
        {
            "upper" => Method(_ => new JinjaString(value.ToUpperInvariant())),
            "lower" => Method(_ => new JinjaString(value.ToLowerInvariant())),
            "strip" => Method(_ => new JinjaString(JavaScriptText.Trim(value))),
            "rstrip" => Method(_ => new JinjaString(JavaScriptText.TrimEnd(value))),
            "lstrip" => Method(_ => new JinjaString(JavaScriptText.TrimStart(value))),
            "title" => Method(_ => new JinjaString(TitleCase(value))),
            "capitalize" => Method(_ => new JinjaString(value.Length == 0 ? value : value[..1].ToUpperInvariant() + value[1..])),
            "length" => new JinjaInteger(value.Length),
            "startswith" => Method(args => JinjaBoolean.Of(Affix(args, "startswith", candidate => value.StartsWith(candidate, StringComparison.Ordinal)))),
            "endswith" => Method(args => JinjaBoolean.Of(Affix(args, "endswith", candidate => value.EndsWith(candidate, StringComparison.Ordinal)))),
            "split" => Method(args => Split(value, args)),
            "replace" => Method(args => Replace(value, args)),
            _ => null,
        };
    }

    private static JinjaFunction Method(Func<List<JinjaValue>, JinjaValue> body) => new((args, _) => body(args));

    private static bool Affix(List<JinjaValue> args, string name, Func<string, bool> matches)
    {
        if (args.Count == 0)
        {
            throw Fail($"{name}() requires at least one argument");
        }
        return args[0] switch
        {
            JinjaString text => matches(text.Value),
            JinjaArray array => array.Items.Any(item => item is JinjaString text ? matches(text.Value) : throw Fail($"{name}() tuple elements must be strings")),
            _ => throw Fail($"{name}() argument must be a string or tuple of strings"),
        };
    }

    /// <summary>Python's str.split(sep=None, maxsplit=-1).</summary>
    private static JinjaArray Split(string value, List<JinjaValue> args)
    {
        var separator = args.ElementAtOrDefault(0) ?? JinjaNull.Instance;
        var maxSplitValue = args.ElementAtOrDefault(1) ?? new JinjaInteger(-1);
        if (separator is not (JinjaString or JinjaNull))
        {
            throw Fail("sep argument must be a string or null");
        }
        if (maxSplitValue is not JinjaInteger { Value: var maxSplit })
        {
            throw Fail("maxsplit argument must be a number");
        }
        var result = new List<string>();
        if (separator is JinjaString { Value: var sep })
        {
            if (sep.Length == 0)
            {
                throw Fail("empty separator");
            }
            result.AddRange(value.Split(sep));
            if (maxSplit >= 0 && result.Count > maxSplit)
            {
                var rest = string.Join(sep, result.Skip((int)maxSplit));
                result.RemoveRange((int)maxSplit, result.Count - (int)maxSplit);
                result.Add(rest);
            }
        }
        else
        {
            var text = JavaScriptText.TrimStart(value);
            var index = 0;
            while (index < text.Length)
            {
                while (index < text.Length && JavaScriptText.IsWhiteSpace(text[index]))
                {
                    index++;
                }
                if (index >= text.Length)
                {
                    break;
                }
                var start = index;
                while (index < text.Length && !JavaScriptText.IsWhiteSpace(text[index]))
                {
                    index++;
                }
                if (maxSplit >= 0 && result.Count >= maxSplit)
                {
                    result.Add(text[start..]);
                    break;
                }
                result.Add(text[start..index]);
            }
        }
        return new JinjaArray(result.Select(part => (JinjaValue)new JinjaString(part)).ToList());
    }

    public static JinjaString Replace(string value, List<JinjaValue> args)
    {
        if (args.Count < 2)
        {
            throw Fail("replace() requires at least two arguments");
        }
        if (args[0] is not JinjaString { Value: var oldValue } || args[1] is not JinjaString { Value: var newValue })
        {
            throw Fail("replace() arguments must be strings");
        }
        var count = args.Count > 2
            ? args[2] is JinjaKeywordArguments keywords ? keywords.Entries.GetValueOrDefault("count") ?? JinjaNull.Instance : args[2]
            : JinjaNull.Instance;
        if (count is not (JinjaInteger or JinjaNull))
        {
            throw Fail("replace() count argument must be a number or null");
        }
        var remaining = count is JinjaInteger { Value: >= 0 } limit ? limit.Value : double.PositiveInfinity;
        if (remaining == 0)
        {
            return new JinjaString(value);
        }
        // The reference replaces with a u-flag RegExp: an empty pattern matches between code points, not inside a pair.
        var pattern = oldValue.Length == 0 ? "(?=)(?![\\uDC00-\\uDFFF](?<=[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]))" : Regex.Escape(oldValue);
        return new JinjaString(Regex.Replace(value, pattern, match =>
        {
            if (remaining > 0)
            {
                remaining--;
                return newValue;
            }
            return match.Value;
        }));
    }

    /// <summary>/\b\w/g upper-cased, with JavaScript's ASCII word characters.</summary>
    private static string TitleCase(string value) => TitleRegex().Replace(value, match => match.Value.ToUpperInvariant());

    [GeneratedRegex(@"\b[A-Za-z0-9_]", RegexOptions.ECMAScript)]
    private static partial Regex TitleRegex();
}
