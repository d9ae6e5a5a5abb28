using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentRouter.Core.Json;

/// <summary>The one strict reader of the project's JSON files (agent manifests and their backend settings, policy
/// presets, training configs): reads one object field by field with defaults and range checks, and afterwards
/// <see cref="RejectUnknownFields"/> reports every field nobody asked for, so a misspelt setting is an error instead
/// of a silently ignored default. Every problem names the file and the field's full path (<c>data.train_items</c>,
/// <c>settings.crashRate</c>, <c>tags[1]</c>) and goes to the caller's <see cref="JsonProblems"/>.</summary>
/// <remarks>A JSON <c>null</c> counts as absent. Whole numbers are read as numbers and then checked for a fraction,
/// so <c>2.0</c> is the integer 2.</remarks>
public sealed class StrictJsonObject
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly JsonElement _element;
    private readonly JsonProblems _problems;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private StrictJsonObject(JsonElement element, string file, string path, JsonProblems problems)
    {
        _element = element;
        File = file;
        Path = path;
        _problems = problems;
    }

    /// <summary>The file named in every problem.</summary>
    public string File { get; }

    /// <summary>This object's path from the document root ("" for the root).</summary>
    public string Path { get; }

    /// <summary>Problems reported so far, through this reader or any other on the same <see cref="JsonProblems"/>.</summary>
    public int ProblemCount => _problems.Count;

    /// <summary>Parses a document whose root must be an object (comments and trailing commas allowed); a syntax error
    /// or another root is reported on the field <c>(document)</c>. Null when it was reported and reading cannot go on.</summary>
    public static StrictJsonObject? Parse(string json, string file, JsonProblems problems)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement root;
        try
        {
            using var document = CheckedJson.Parse(json, Lenient);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            problems.Report(file, "(document)", $"not valid JSON (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}): {e.Message}");
            return null;
        }

        return Of(root, file, "", problems);
    }

    /// <summary>Wraps an element that must be an object; reports and returns null otherwise.</summary>
    public static StrictJsonObject? Of(JsonElement element, string file, string path, JsonProblems problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Report(file, path.Length == 0 ? "(document)" : path, $"must be a JSON object, got {Describe(element)}");
            return null;
        }

        return new StrictJsonObject(element, file, path, problems);
    }

    /// <summary>Wraps an object built in code or held as a node (a manifest's <c>settings</c>).</summary>
    public static StrictJsonObject Of(JsonObject node, string file, string path, JsonProblems problems)
    {
        ArgumentNullException.ThrowIfNull(node);
        using var document = JsonDocument.Parse(node.ToJsonString());
        return Of(document.RootElement.Clone(), file, path, problems)!;
    }

    /// <summary>The names of this object's fields, for objects that are maps (task type → probability); reading
    /// them through this reader marks them known.</summary>
    public IReadOnlyList<string> FieldNames => [.. _element.EnumerateObject().Select(property => property.Name)];

    /// <summary>Whether the field is present and not null (and counts it as known).</summary>
    public bool Has(string name) => Take(name, required: false) is not null;

    /// <summary>A non-empty string; null when absent (reported when <paramref name="required"/>) or invalid.</summary>
    public string? String(string name, bool required = false)
    {
        var value = Take(name, required);
        if (value is not { } present)
        {
            return null;
        }

        if (present.ValueKind == JsonValueKind.String && present.GetString() is { } text && !string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        Fail(name, $"must be a non-empty string, got {Describe(present)}");
        return null;
    }

    /// <summary>One of <paramref name="allowed"/> (compared exactly), else <paramref name="fallback"/>.</summary>
    public string Choice(string name, string fallback, params string[] allowed)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (Array.IndexOf(allowed, text) >= 0)
        {
            return text;
        }

        Fail(name, $"must be {Alternatives(allowed)}, got \"{text}\"");
        return fallback;
    }

    /// <summary>A number in the given range (bounds inclusive unless said otherwise); <paramref name="fallback"/> when
    /// absent, and null fallback makes the field required.</summary>
    public double Double(string name, double? fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity,
        bool minExclusive = false, bool maxExclusive = false)
    {
        var value = Take(name, required: fallback is null);
        if (value is not { } present)
        {
            return fallback ?? 0;
        }

        if (present.ValueKind != JsonValueKind.Number || !present.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            Fail(name, $"must be a number, got {Describe(present)}");
            return fallback ?? 0;
        }

        var aboveMin = minExclusive ? number > min : number >= min;
        var belowMax = maxExclusive ? number < max : number <= max;
        if (aboveMin && belowMax)
        {
            return number;
        }

        Fail(name, $"must be {Range(min, max, minExclusive, maxExclusive)}, got {Format(number)}");
        return fallback ?? 0;
    }

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; null fallback makes it required.</summary>
    public int Int(string name, int? fallback, int min = int.MinValue, int max = int.MaxValue) =>
        (int)Whole(name, fallback, min, max, "a whole number");

    /// <summary>A non-negative whole number (seeds).</summary>
    public ulong UInt64(string name, ulong fallback)
    {
        var value = Take(name, required: false);
        if (value is not { } present)
        {
            return fallback;
        }

        if (present.ValueKind == JsonValueKind.Number && present.TryGetUInt64(out var number))
        {
            return number;
        }

        Fail(name, $"must be a non-negative whole number, got {Describe(present)}");
        return fallback;
    }

    public bool Bool(string name, bool fallback)
    {
        var value = Take(name, required: false);
        switch (value?.ValueKind)
        {
            case null:
                return fallback;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                Fail(name, $"must be true or false, got {Describe(value.Value)}");
                return fallback;
        }
    }

    /// <summary>The raw element when it has the given kind; null when absent (reported when required) or of another kind.</summary>
    public JsonElement? Element(string name, JsonValueKind kind, bool required = false)
    {
        var value = Take(name, required);
        if (value is { } present && present.ValueKind != kind)
        {
            Fail(name, $"must be {Describe(kind)}, got {Describe(present)}");
            return null;
        }

        return value;
    }

    /// <summary>A nested object, read strictly in turn; its problems name <c>this.name.field</c>.</summary>
    public StrictJsonObject? Child(string name, bool required = false) =>
        Element(name, JsonValueKind.Object, required) is { } value ? new StrictJsonObject(value, File, Qualify(name), _problems) : null;

    /// <summary>An array of non-empty strings; each bad item is reported as <c>name[i]</c> and skipped.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (Element(name, JsonValueKind.Array) is not { } array)
        {
            return [];
        }

        var items = new List<string>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text)
            {
                items.Add(text);
            }
            else
            {
                Fail($"{name}[{index}]", $"must be a non-empty string, got {Describe(item)}");
            }

            index++;
        }

        return items;
    }

    /// <summary>Reports every field that no reader method asked for. Call after reading all of them.</summary>
    /// <param name="what">How the message calls such a field, e.g. "simulated-backend setting".</param>
    public void RejectUnknownFields(string what = "field")
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (!_read.Contains(property.Name) && !property.Name.StartsWith('$'))
            {
                Fail(property.Name, $"unknown {what} (known: {string.Join(", ", _read.Order(StringComparer.Ordinal))})");
            }
        }
    }

    /// <summary>Reports a problem with one field of this object (the path is added).</summary>
    public void Fail(string name, string problem) => _problems.Report(File, Qualify(name), problem);

    /// <summary>The field's full path, as problems name it.</summary>
    public string Qualify(string name) => Path.Length == 0 ? name : name.StartsWith('[') ? Path + name : $"{Path}.{name}";

    private long Whole(string name, long? fallback, long min, long max, string what)
    {
        var value = Take(name, required: fallback is null);
        if (value is not { } present)
        {
            return fallback ?? 0;
        }

        if (present.ValueKind != JsonValueKind.Number || !present.TryGetDouble(out var number) || number != Math.Floor(number) || !double.IsFinite(number))
        {
            Fail(name, $"must be {what}, got {Describe(present)}");
            return fallback ?? 0;
        }

        if (number >= min && number <= max)
        {
            return (long)number;
        }

        var range = min <= int.MinValue && max >= int.MaxValue ? "a 32-bit whole number" : Range(min, max, false, false);
        Fail(name, $"must be {range}, got {Format(number)}");
        return fallback ?? 0;
    }

    private JsonElement? Take(string name, bool required)
    {
        _read.Add(name);
        if (_element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }

        if (required)
        {
            Fail(name, "is required");
        }

        return null;
    }

    private static string Range(double min, double max, bool minExclusive, bool maxExclusive)
    {
        var unboundedBelow = double.IsNegativeInfinity(min) || min <= int.MinValue;
        var unboundedAbove = double.IsPositiveInfinity(max) || max >= int.MaxValue;
        return (unboundedBelow, unboundedAbove) switch
        {
            (true, true) => "a number",
            (false, true) => $"{(minExclusive ? ">" : "≥")} {Format(min)}",
            (true, false) => $"{(maxExclusive ? "<" : "≤")} {Format(max)}",
            _ => $"in {(minExclusive ? "(" : "[")}{Format(min)}, {Format(max)}{(maxExclusive ? ")" : "]")}",
        };
    }

    private static string Alternatives(string[] allowed) =>
        allowed.Length == 1 ? $"\"{allowed[0]}\"" : string.Join(", ", allowed[..^1].Select(a => $"\"{a}\"")) + $" or \"{allowed[^1]}\"";

    private static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => value.GetRawText() is { Length: <= 60 } raw ? raw : value.GetRawText()[..57] + "...",
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
