using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentRouter.Inference.Templates;

/// <summary>The reference's globals: constants, namespace, range, raise_exception, strftime_now.</summary>
internal static partial class ChatTemplateGlobals
{
    private const int MaxRangeLength = 10_000_000;

    public static void Declare(JinjaScope scope, TimeProvider clock)
    {
        scope.Declare("namespace", new JinjaFunction((arguments, _) => Namespace(arguments)));
        scope.Declare("false", JinjaBoolean.False);
        scope.Declare("true", JinjaBoolean.True);
        scope.Declare("none", JinjaNull.Instance);
        scope.Declare("raise_exception", new JinjaFunction((arguments, _) =>
            throw new ChatTemplateException(ChatTemplateErrorKind.Render, $"raise_exception: {arguments.FirstOrDefault()?.Render() ?? "undefined"}")));
        scope.Declare("range", new JinjaFunction((arguments, _) => Range(arguments)));
        scope.Declare("strftime_now", new JinjaFunction((arguments, _) =>
            new JinjaString(Strftime(clock.GetLocalNow(), arguments.FirstOrDefault() is JinjaString format ? format.Value : ""))));
        scope.Declare("True", JinjaBoolean.True);
        scope.Declare("False", JinjaBoolean.False);
        scope.Declare("None", JinjaNull.Instance);
    }

    private static JinjaNamespace Namespace(List<JinjaValue> arguments)
    {
        var positional = new List<JinjaValue>(arguments);
        JinjaKeywordArguments? keywords = null;
        if (positional.Count > 0 && positional[^1] is JinjaKeywordArguments last)
        {
            keywords = last;
            positional.RemoveAt(positional.Count - 1);
        }
        if (positional.Count > 1)
        {
            throw JinjaBuiltins.Fail($"namespace expected at most 1 argument, got {positional.Count}");
        }
        var entries = new OrderedDictionary<string, JinjaValue>(StringComparer.Ordinal);
        if (positional.Count == 1)
        {
            switch (positional[0])
            {
                case JinjaObject source:
                    foreach (var (key, value) in source.Entries)
                    {
                        entries[key] = value;
                    }
                    break;
                case JinjaArray pairs:
                    foreach (var pair in pairs.Items)
                    {
                        if (pair is not JinjaArray { Items: [JinjaString key, var value] })
                        {
                            throw JinjaBuiltins.Fail("namespace expected an object or an iterable of [key, value] pairs");
                        }
                        entries[key.Value] = value;
                    }
                    break;
                default:
                    throw JinjaBuiltins.Fail($"'{positional[0].TypeName}' object is not iterable");
            }
        }
        foreach (var (key, value) in keywords?.Entries ?? [])
        {
            entries[key] = value;
        }
        return new JinjaNamespace(entries);
    }

    private static JinjaArray Range(List<JinjaValue> arguments)
    {
        var numbers = arguments.Select(argument => argument is JinjaInteger or JinjaFloat ? JinjaFilters.Number(argument)
            : throw JinjaBuiltins.Fail($"range() expects numbers, got {argument.TypeName}")).ToList();
        var (start, stop, step) = numbers.Count switch
        {
            1 => (0d, numbers[0], 1d),
            2 => (numbers[0], numbers[1], 1d),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw JinjaBuiltins.Fail("range() expects 1 to 3 arguments"),
        };
        if (step == 0)
        {
            throw JinjaBuiltins.Fail("range() step must not be zero");
        }
        if (Math.Abs((stop - start) / step) > MaxRangeLength)
        {
            throw JinjaBuiltins.Fail($"range() longer than {MaxRangeLength} items");
        }
        var items = new List<JinjaValue>();
        for (var value = start; step > 0 ? value < stop : value > stop; value += step)
        {
            items.Add(value % 1 == 0 ? new JinjaInteger(value) : new JinjaFloat(value));
        }
        return new JinjaArray(items);
    }

    private static readonly string[] Months = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames;

    private static string Strftime(DateTimeOffset now, string format) => StrftimeToken().Replace(format, match => match.Value switch
    {
        "%Y" => now.Year.ToString(CultureInfo.InvariantCulture),
        "%m" => now.Month.ToString("00", CultureInfo.InvariantCulture),
        "%d" => now.Day.ToString("00", CultureInfo.InvariantCulture),
        "%b" => Months[now.Month - 1][..3],
        "%B" => Months[now.Month - 1],
        "%H" => now.Hour.ToString("00", CultureInfo.InvariantCulture),
        "%M" => now.Minute.ToString("00", CultureInfo.InvariantCulture),
        "%%" => "%",
        _ => match.Value,
    });

    [GeneratedRegex("%[YmdbBHM%]")]
    private static partial Regex StrftimeToken();
}

/// <summary>CLR and JSON values → template values, the way the reference converts JavaScript values.</summary>
internal static class JinjaValueConverter
{
    public static JinjaValue From(object? value) => value switch
    {
        null => JinjaNull.Instance,
        JinjaValue jinja => jinja,
        string text => new JinjaString(text),
        bool flag => JinjaBoolean.Of(flag),
        int or long or short or byte or uint or ulong or ushort or sbyte => new JinjaInteger(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        double or float or decimal => Number(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        JsonElement element => FromJson(element),
        JsonNode node => FromJson(JsonSerializer.SerializeToElement(node)),
        ChatTemplateMessage message => FromJson(JsonSerializer.SerializeToElement(message.ToJson())),
        IDictionary dictionary => new JinjaObject(new OrderedDictionary<string, JinjaValue>(
            dictionary.Keys.Cast<object>().Select(key => new KeyValuePair<string, JinjaValue>(key.ToString()!, From(dictionary[key]))), StringComparer.Ordinal)),
        IEnumerable<KeyValuePair<string, object?>> pairs => new JinjaObject(new OrderedDictionary<string, JinjaValue>(
            pairs.Select(pair => new KeyValuePair<string, JinjaValue>(pair.Key, From(pair.Value))), StringComparer.Ordinal)),
        IEnumerable sequence => new JinjaArray(sequence.Cast<object?>().Select(From).ToList()),
        _ => throw new ArgumentException($"a {value.GetType().Name} cannot be passed to a chat template"),
    };

    public static JinjaValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => new JinjaString(element.GetString()!),
        JsonValueKind.Number => Number(element.GetDouble()),
        JsonValueKind.True => JinjaBoolean.True,
        JsonValueKind.False => JinjaBoolean.False,
        JsonValueKind.Array => new JinjaArray(element.EnumerateArray().Select(FromJson).ToList()),
        JsonValueKind.Object => new JinjaObject(new OrderedDictionary<string, JinjaValue>(
            element.EnumerateObject().Select(property => new KeyValuePair<string, JinjaValue>(property.Name, FromJson(property.Value))), StringComparer.Ordinal)),
        _ => JinjaNull.Instance,
    };

    /// <summary>JavaScript has one number type: integral values are integers to the template.</summary>
    private static JinjaValue Number(double value) => value % 1 == 0 ? new JinjaInteger(value) : new JinjaFloat(value);
}
