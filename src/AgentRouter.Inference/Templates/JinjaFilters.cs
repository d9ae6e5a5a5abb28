namespace AgentRouter.Inference.Templates;

/// <summary>The filters of @huggingface/jinja 0.5.13, with its per-type behaviour (e.g. <c>join</c> on a string is a no-op).</summary>
internal static class JinjaFilters
{
    private static ChatTemplateException Fail(string problem) => JinjaBuiltins.Fail(problem);

    public static JinjaValue Apply(JinjaValue operand, string name, List<JinjaValue>? positional, OrderedDictionary<string, JinjaValue>? keywords, JinjaScope scope)
    {
        if (positional is null)
        {
            return ApplyPlain(operand, name, scope);
        }
        keywords ??= [];
        JinjaValue? Argument(int index, string keyword) => positional.ElementAtOrDefault(index) ?? keywords.GetValueOrDefault(keyword);
        switch (name)
        {
            case "tojson":
                var indent = keywords.GetValueOrDefault("indent") ?? JinjaNull.Instance;
                var ensureAscii = keywords.GetValueOrDefault("ensure_ascii") ?? JinjaBoolean.False;
                var sortKeys = keywords.GetValueOrDefault("sort_keys") ?? JinjaBoolean.False;
                var separators = keywords.GetValueOrDefault("separators") ?? JinjaNull.Instance;
                if (indent is not (JinjaInteger or JinjaNull))
                {
                    throw Fail("If set, indent must be a number");
                }
                if (ensureAscii is not JinjaBoolean ascii || sortKeys is not JinjaBoolean sort)
                {
                    throw Fail("If set, ensure_ascii and sort_keys must be booleans");
                }
                (string, string)? separatorPair = separators switch
                {
                    JinjaNull => null,
                    JinjaArray { Items: [JinjaString item, JinjaString key] } => (item.Value, key.Value),
                    _ => throw Fail("separators must be a tuple of two strings"),
                };
                return new JinjaString(JinjaJson.Serialize(operand, new JinjaJsonOptions(
                    indent is JinjaInteger width ? (int)width.Value : null, ascii.Value, separatorPair, sort.Value)));
            case "join":
                var parts = operand switch
                {
                    JinjaString text => CodePoints(text.Value).ToList(),
                    JinjaArray array => array.Items.Select(item => item.ConcatenationTextOrEmpty()).ToList(),
                    _ => throw Fail($"Cannot apply filter \"join\" to type: {operand.TypeName}"),
                };
                var separator = Argument(0, "separator") ?? new JinjaString("");
                return separator is JinjaString joiner ? new JinjaString(string.Join(joiner.Value, parts)) : throw Fail("separator must be a string");
            case "int" or "float":
                var fallback = Argument(0, "default") ?? (name == "int" ? new JinjaInteger(0) : new JinjaFloat(0));
                return operand switch
                {
                    JinjaString text => ParseNumber(text.Value, name == "int") is double number
                        ? name == "int" ? new JinjaInteger(number) : new JinjaFloat(number)
                        : fallback,
                    JinjaInteger or JinjaFloat => name == "int" ? new JinjaInteger(Math.Truncate(Number(operand)) + 0) : new JinjaFloat(Number(operand)),
                    JinjaBoolean flag => name == "int" ? new JinjaInteger(flag.Value ? 1 : 0) : new JinjaFloat(flag.Value ? 1 : 0),
                    _ => throw Fail($"Cannot apply filter \"{name}\" to type: {operand.TypeName}"),
                };
            case "default":
                var defaultValue = positional.ElementAtOrDefault(0) ?? new JinjaString("");
                var boolean = positional.ElementAtOrDefault(1) ?? keywords.GetValueOrDefault("boolean") ?? JinjaBoolean.False;
                if (boolean is not JinjaBoolean useTruthiness)
                {
                    throw Fail("`default` filter flag must be a boolean");
                }
                return operand is JinjaUndefined || (useTruthiness.Value && !operand.IsTruthy) ? defaultValue : operand;
        }
        switch (operand)
        {
            case JinjaArray array when name == "sort":
                var reverse = Argument(0, "reverse") ?? JinjaBoolean.False;
                var caseSensitive = Argument(1, "case_sensitive") ?? JinjaBoolean.False;
                var attribute = Argument(2, "attribute") ?? JinjaNull.Instance;
                if (reverse is not JinjaBoolean descending || caseSensitive is not JinjaBoolean sensitive)
                {
                    throw Fail("reverse and case_sensitive must be booleans");
                }
                JinjaValue Key(JinjaValue item) => attribute switch
                {
                    JinjaNull => item,
                    JinjaString path => AttributePath(item, path.Value),
                    JinjaInteger index => AttributePath(item, JavaScriptNumber.ToString(index.Value)),
                    _ => throw Fail("attribute must be a string, integer, or null"),
                };
                return new JinjaArray(StableSort(array.Items, (a, b) =>
                {
                    var order = Compare(Key(a), Key(b), sensitive.Value);
                    return descending.Value ? -order : order;
                }));
            case JinjaArray array when name == "map":
                if (keywords.GetValueOrDefault("attribute") is not { } mapAttribute)
                {
                    throw Fail("`map` expressions without `attribute` set are not currently supported.");
                }
                if (mapAttribute is not JinjaString attributeName)
                {
                    throw Fail("attribute must be a string");
                }
                var mapDefault = keywords.GetValueOrDefault("default");
                return new JinjaArray(array.Items.Select(item =>
                {
                    if (item is not (JinjaObject or JinjaNamespace))
                    {
                        throw Fail("items in map must be an object");
                    }
                    var value = AttributePath(item, attributeName.Value);
                    return value is JinjaUndefined ? mapDefault ?? JinjaUndefined.Instance : value;
                }).ToList());
            case JinjaString text when name == "indent":
                var width = Argument(0, "width") ?? new JinjaInteger(4);
                var first = Argument(1, "first") ?? JinjaBoolean.False;
                var blank = Argument(2, "blank") ?? JinjaBoolean.False;
                var prefix = width switch
                {
                    JinjaString literal => literal.Value,
                    JinjaInteger count => new string(' ', (int)Math.Max(0, count.Value)),
                    _ => throw Fail("width must be an integer or a string"),
                };
                return new JinjaString(string.Join("\n", text.Value.Split('\n').Select((line, index) =>
                    (!first.IsTruthy && index == 0) || (!blank.IsTruthy && line.Length == 0) ? line : prefix + line)));
            case JinjaString text when name == "replace":
                var replaceArguments = new List<JinjaValue>(positional) { new JinjaKeywordArguments(keywords) };
                return JinjaBuiltins.Replace(text.Value, replaceArguments);
            case JinjaObject obj:
                if (ObjectMember(obj, name) is JinjaFunction method)
                {
                    var arguments = new List<JinjaValue>(positional);
                    if (keywords.Count > 0)
                    {
                        arguments.Add(new JinjaKeywordArguments(keywords));
                    }
                    return method.Body(arguments, scope);
                }
                throw Fail($"Unknown ObjectValue filter: {name}");
            default:
                throw Fail($"Unknown {operand.TypeName} filter: {name}");
        }
    }

    private static JinjaValue ApplyPlain(JinjaValue operand, string name, JinjaScope scope)
    {
        if (name == "safe")
        {
            return operand;
        }
        if (name == "tojson")
        {
            return new JinjaString(JinjaJson.Serialize(operand, new JinjaJsonOptions()));
        }
        switch (operand)
        {
            case JinjaArray array:
                return name switch
                {
                    "list" => array,
                    "first" => array.Items.Count > 0 ? array.Items[0] : JinjaUndefined.Instance,
                    "last" => array.Items.Count > 0 ? array.Items[^1] : JinjaUndefined.Instance,
                    "length" => new JinjaInteger(array.Items.Count),
                    "reverse" => new JinjaArray(Enumerable.Reverse(array.Items).ToList()),
                    "sort" => new JinjaArray(StableSort(array.Items, (a, b) => Compare(a, b, caseSensitive: false))),
                    "join" => new JinjaString(string.Concat(array.Items.Select(item => item.ConcatenationTextOrEmpty()))),
                    "string" => new JinjaString(JinjaJson.Serialize(array, new JinjaJsonOptions(), undefinedAsNull: false)),
                    "unique" => new JinjaArray(Unique(array.Items)),
                    _ => throw Fail($"Unknown ArrayValue filter: {name}"),
                };
            case JinjaString text:
                return name switch
                {
                    "length" or "upper" or "lower" or "title" or "capitalize" => JinjaBuiltins.StringMember(text, name) switch
                    {
                        JinjaFunction function => function.Body([], scope),
                        { } value => value,
                        null => throw Fail($"Unknown StringValue filter: {name}"),
                    },
                    "trim" => new JinjaString(JavaScriptText.Trim(text.Value)),
                    "indent" => new JinjaString(string.Join("\n", text.Value.Split('\n').Select((line, index) => index == 0 || line.Length == 0 ? line : "    " + line))),
                    "join" or "string" => text,
                    "int" => new JinjaInteger(ParseNumber(text.Value, integer: true) ?? 0),
                    "float" => new JinjaFloat(ParseNumber(text.Value, integer: false) ?? 0),
                    _ => throw Fail($"Unknown StringValue filter: {name}"),
                };
            case JinjaInteger or JinjaFloat:
                return name switch
                {
                    "abs" => operand is JinjaInteger ? new JinjaInteger(Math.Abs(Number(operand))) : new JinjaFloat(Math.Abs(Number(operand))),
                    "int" => new JinjaInteger(Math.Truncate(Number(operand)) + 0),
                    "float" => new JinjaFloat(Number(operand)),
                    "string" => new JinjaString(operand.Render()),
                    _ => throw Fail($"Unknown NumericValue filter: {name}"),
                };
            case JinjaObject obj:
                return name switch
                {
                    "items" => Items(obj),
                    "length" => new JinjaInteger(obj.Entries.Count),
                    _ => ObjectMember(obj, name) is { } method ? method.Body([], scope) : throw Fail($"Unknown ObjectValue filter: {name}"),
                };
            case JinjaBoolean flag:
                return name switch
                {
                    "bool" => flag,
                    "int" => new JinjaInteger(flag.Value ? 1 : 0),
                    "float" => new JinjaFloat(flag.Value ? 1 : 0),
                    "string" => new JinjaString(flag.Value ? "true" : "false"),
                    _ => throw Fail($"Unknown BooleanValue filter: {name}"),
                };
            default:
                throw Fail($"Cannot apply filter \"{name}\" to type: {operand.TypeName}");
        }
    }

    /// <summary>selectattr / rejectattr: items whose attribute passes a test (truthiness without one).</summary>
    public static JinjaArray SelectAttribute(JinjaValue operand, bool select, List<JinjaValue> arguments)
    {
        if (operand is not JinjaArray array)
        {
            throw Fail($"Unknown {operand.TypeName} filter: {(select ? "selectattr" : "rejectattr")}");
        }
        if (array.Items.Any(item => item is not (JinjaObject or JinjaNamespace)))
        {
            throw Fail($"`{(select ? "selectattr" : "rejectattr")}` can only be applied to array of objects");
        }
        var attribute = ((JinjaString)arguments[0]).Value;
        Func<JinjaValue, JinjaValue?, bool> test = arguments.ElementAtOrDefault(1) is JinjaString { Value: var testName }
            ? JinjaBuiltins.Tests.GetValueOrDefault(testName) ?? throw Fail($"Unknown test: {testName}")
            : (value, _) => value.IsTruthy;
        var parameter = arguments.ElementAtOrDefault(2);
        return new JinjaArray(array.Items.Where(item =>
        {
            var entries = item is JinjaObject obj ? obj.Entries : ((JinjaNamespace)item).Entries;
            var result = entries.TryGetValue(attribute, out var value) && test(value, parameter);
            return select ? result : !result;
        }).ToList());
    }

    /// <summary>Members of a mapping reachable with '.' when no key has that name: get, items, keys, values, dictsort.</summary>
    public static JinjaFunction? ObjectMember(JinjaObject target, string name) => name switch
    {
        "get" => new JinjaFunction((args, _) => args.ElementAtOrDefault(0) is JinjaString key
            ? target.Entries.GetValueOrDefault(key.Value) ?? args.ElementAtOrDefault(1) ?? JinjaNull.Instance
            : throw Fail($"Object key must be a string: got {args.ElementAtOrDefault(0)?.TypeName ?? "UndefinedValue"}")),
        "items" => new JinjaFunction((_, _) => Items(target)),
        "keys" => new JinjaFunction((_, _) => new JinjaArray(target.Entries.Keys.Select(key => (JinjaValue)new JinjaString(key)).ToList())),
        "values" => new JinjaFunction((_, _) => new JinjaArray(target.Entries.Values.ToList())),
        "dictsort" => new JinjaFunction((args, _) => DictSort(target, args)),
        _ => null,
    };

    public static JinjaArray Items(JinjaObject target) =>
        new(target.Entries.Select(entry => (JinjaValue)new JinjaArray([new JinjaString(entry.Key), entry.Value])).ToList());

    private static JinjaArray DictSort(JinjaObject target, List<JinjaValue> args)
    {
        var keywords = args.OfType<JinjaKeywordArguments>().LastOrDefault()?.Entries ?? [];
        var positional = args.Where(arg => arg is not JinjaKeywordArguments).ToList();
        var caseSensitive = positional.ElementAtOrDefault(0) ?? keywords.GetValueOrDefault("case_sensitive") ?? JinjaBoolean.False;
        var by = positional.ElementAtOrDefault(1) ?? keywords.GetValueOrDefault("by") ?? new JinjaString("key");
        var reverse = positional.ElementAtOrDefault(2) ?? keywords.GetValueOrDefault("reverse") ?? JinjaBoolean.False;
        if (caseSensitive is not JinjaBoolean sensitive || reverse is not JinjaBoolean descending || by is not JinjaString { Value: "key" or "value" } byWhat)
        {
            throw Fail("dictsort: case_sensitive and reverse must be booleans, by 'key' or 'value'");
        }
        var index = byWhat.Value == "key" ? 0 : 1;
        return new JinjaArray(StableSort(Items(target).Items, (a, b) =>
        {
            var order = Compare(((JinjaArray)a).Items[index], ((JinjaArray)b).Items[index], sensitive.Value);
            return descending.Value ? -order : order;
        }));
    }

    private static List<JinjaValue> StableSort(List<JinjaValue> items, Comparison<JinjaValue> comparison) =>
        items.Select((item, index) => (item, index)).OrderBy(pair => pair, Comparer<(JinjaValue Item, int Index)>.Create((a, b) =>
        {
            var order = comparison(a.Item, b.Item);
            return order != 0 ? order : a.Index.CompareTo(b.Index);
        })).Select(pair => pair.item).ToList();

    private static List<JinjaValue> Unique(List<JinjaValue> items)
    {
        var output = new List<JinjaValue>();
        foreach (var item in items)
        {
            if (!output.Any(seen => JinjaBuiltins.StrictEquals(seen, item)))
            {
                output.Add(item);
            }
        }
        return output;
    }

    /// <summary>The reference's compareRuntimeValues: numbers (and booleans) together, strings together, else an error.</summary>
    public static int Compare(JinjaValue a, JinjaValue b, bool caseSensitive)
    {
        if (a is JinjaNull && b is JinjaNull || a is JinjaUndefined && b is JinjaUndefined)
        {
            return 0;
        }
        if (a is JinjaNull or JinjaUndefined || b is JinjaNull or JinjaUndefined)
        {
            throw Fail($"Cannot compare {a.TypeName} with {b.TypeName}");
        }
        if (a is JinjaInteger or JinjaFloat or JinjaBoolean && b is JinjaInteger or JinjaFloat or JinjaBoolean)
        {
            return Number(a).CompareTo(Number(b));
        }
        if (a.TypeName != b.TypeName)
        {
            throw Fail($"Cannot compare different types: {a.TypeName} and {b.TypeName}");
        }
        if (a is JinjaString left && b is JinjaString right)
        {
            var x = caseSensitive ? left.Value : left.Value.ToLowerInvariant();
            var y = caseSensitive ? right.Value : right.Value.ToLowerInvariant();
            return Math.Sign(string.CompareOrdinal(x, y));
        }
        throw Fail($"Cannot compare type: {a.TypeName}");
    }

    public static double Number(JinjaValue value) => value switch
    {
        JinjaInteger integer => integer.Value,
        JinjaFloat number => number.Value,
        JinjaBoolean flag => flag.Value ? 1 : 0,
        _ => double.NaN,
    };

    /// <summary>"a.b.0"-style paths through mappings and arrays; undefined when a step is missing.</summary>
    public static JinjaValue AttributePath(JinjaValue item, string path)
    {
        var value = item;
        foreach (var part in path.Split('.'))
        {
            value = value switch
            {
                JinjaObject obj => obj.Entries.GetValueOrDefault(part) ?? JinjaUndefined.Instance,
                JinjaNamespace ns => ns.Entries.GetValueOrDefault(part) ?? JinjaUndefined.Instance,
                JinjaArray array when int.TryParse(part, out var index) && index >= 0 && index < array.Items.Count => array.Items[index],
                _ => JinjaUndefined.Instance,
            };
            if (value is JinjaUndefined)
            {
                return value;
            }
        }
        return value;
    }

    /// <summary>JavaScript's parseInt(text, 10) / parseFloat(text); null for NaN.</summary>
    private static double? ParseNumber(string text, bool integer)
    {
        var trimmed = JavaScriptText.TrimStart(text);
        var length = 0;
        if (length < trimmed.Length && trimmed[length] is '+' or '-')
        {
            length++;
        }
        var digitsStart = length;
        while (length < trimmed.Length && char.IsAsciiDigit(trimmed[length]))
        {
            length++;
        }
        if (!integer)
        {
            if (length < trimmed.Length && trimmed[length] == '.')
            {
                length++;
                while (length < trimmed.Length && char.IsAsciiDigit(trimmed[length]))
                {
                    length++;
                }
            }
        }
        var candidate = trimmed[..length];
        if (candidate.Length == digitsStart || candidate[digitsStart..] == ".")
        {
            return null;
        }
        return double.Parse(candidate, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> CodePoints(string text)
    {
        for (var index = 0; index < text.Length; index++)
        {
            var length = char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
            yield return text.Substring(index, length);
            index += length - 1;
        }
    }

    /// <summary>An array element's text for <c>join</c>: JavaScript's Array.join prints null and undefined as "".</summary>
    private static string ConcatenationTextOrEmpty(this JinjaValue value) =>
        value is JinjaNull or JinjaUndefined ? "" : value.ConcatenationText;
}
