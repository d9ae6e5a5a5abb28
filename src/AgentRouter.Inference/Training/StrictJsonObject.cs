using System.Text.Json;

namespace AgentRouter.Inference.Training;

/// <summary>Reads one JSON object field by field and afterwards rejects every field nobody asked for, so a
/// misspelt setting is an error instead of a silently ignored default.</summary>
internal sealed class StrictJsonObject
{
    private readonly JsonElement element;
    private readonly string file;
    private readonly string path;
    private readonly HashSet<string> read = new(StringComparer.Ordinal);

    public StrictJsonObject(JsonElement element, string file, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new TrainingConfigException(file, path.Length == 0 ? "(document)" : path, $"expected a JSON object, got {element.ValueKind}");
        }

        this.element = element;
        this.file = file;
        this.path = path;
    }

    public string RequiredString(string name)
    {
        var value = Take(name, required: true)!.Value;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw Fail(name, $"expected a non-empty string, got {value.GetRawText()}");
        }

        return value.GetString()!;
    }

    public string? OptionalString(string name, string? fallback)
    {
        var value = Take(name, required: false);
        if (value is null)
        {
            return fallback;
        }

        return value.Value.ValueKind == JsonValueKind.String
            ? value.Value.GetString()
            : throw Fail(name, $"expected a string, got {value.Value.GetRawText()}");
    }

    public int Int(string name, int? fallback, int min, int max = int.MaxValue)
    {
        var value = Take(name, required: fallback is null);
        if (value is null)
        {
            return fallback!.Value;
        }

        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt32(out var number))
        {
            throw Fail(name, $"expected an integer, got {value.Value.GetRawText()}");
        }

        return number >= min && number <= max ? number : throw Fail(name, $"must be in {min}..{max}, got {number}");
    }

    public ulong UInt64(string name, ulong fallback)
    {
        var value = Take(name, required: false);
        if (value is null)
        {
            return fallback;
        }

        return value.Value.ValueKind == JsonValueKind.Number && value.Value.TryGetUInt64(out var number)
            ? number
            : throw Fail(name, $"expected a non-negative integer, got {value.Value.GetRawText()}");
    }

    /// <param name="minExclusive">When true the value must be strictly above <paramref name="min"/>.</param>
    public double Double(string name, double fallback, double min, double max, bool minExclusive = false, bool maxExclusive = false)
    {
        var value = Take(name, required: false);
        if (value is null)
        {
            return fallback;
        }

        if (value.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw Fail(name, $"expected a number, got {value.Value.GetRawText()}");
        }

        var aboveMin = minExclusive ? number > min : number >= min;
        var belowMax = maxExclusive ? number < max : number <= max;
        return aboveMin && belowMax
            ? number
            : throw Fail(name, $"must be in {(minExclusive ? "(" : "[")}{min}, {max}{(maxExclusive ? ")" : "]")}, got {number}");
    }

    public JsonElement? Element(string name, JsonValueKind kind, bool required)
    {
        var value = Take(name, required);
        if (value is { } present && present.ValueKind != kind)
        {
            throw Fail(name, $"expected {kind}, got {present.ValueKind}");
        }

        return value;
    }

    public StrictJsonObject? Child(string name, bool required)
    {
        var value = Take(name, required);
        return value is null ? null : new StrictJsonObject(value.Value, file, Qualify(name));
    }

    /// <exception cref="TrainingConfigException">A field that no reader asked for.</exception>
    public void RejectUnknownFields()
    {
        foreach (var property in element.EnumerateObject().Where(property => !read.Contains(property.Name)))
        {
            throw Fail(property.Name, $"unknown field (known here: {string.Join(", ", read.Order(StringComparer.Ordinal))})");
        }
    }

    public TrainingConfigException Fail(string name, string problem) => new(file, Qualify(name), problem);

    private JsonElement? Take(string name, bool required)
    {
        read.Add(name);
        if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
        {
            return value;
        }

        return required ? throw Fail(name, "missing") : null;
    }

    private string Qualify(string name) => path.Length == 0 ? name : $"{path}.{name}";
}
