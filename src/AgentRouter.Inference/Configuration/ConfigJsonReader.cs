using System.Text.Json;

namespace AgentRouter.Inference.Configuration;

/// <summary>Typed access to config.json fields; every failure names the file and the field.</summary>
internal sealed class ConfigJsonReader
{
    private readonly JsonElement _root;

    public ConfigJsonReader(string filePath, JsonElement root)
    {
        FilePath = filePath;
        _root = root;
    }

    public string FilePath { get; }

    public bool Has(string field) => _root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null;

    public ModelConfigException Error(string field, string problem) => new(FilePath, field, problem);

    public string RequiredString(string field)
    {
        if (!_root.TryGetProperty(field, out var value))
        {
            throw Error(field, "missing");
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(field, $"expected a string, found {value.ValueKind}");
    }

    public int RequiredPositiveInt(string field, int max = int.MaxValue) =>
        Has(field) ? PositiveInt(field, max) : throw Error(field, "missing");

    public int OptionalPositiveInt(string field, int fallback, int max = int.MaxValue) => Has(field) ? PositiveInt(field, max) : fallback;

    public int OptionalNonNegativeInt(string field, int fallback, int max = int.MaxValue)
    {
        if (!Has(field))
        {
            return fallback;
        }
        var value = Int(field);
        return value < 0 ? throw Error(field, $"must not be negative, found {value}")
            : value > max ? throw Error(field, $"{value} exceeds the supported maximum of {max}")
            : value;
    }

    public double OptionalPositiveDouble(string field, double fallback)
    {
        if (!Has(field))
        {
            return fallback;
        }
        var element = _root.GetProperty(field);
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !(value > 0) || double.IsInfinity(value))
        {
            throw Error(field, $"expected a positive number, found {element.GetRawText()}");
        }
        return value;
    }

    public double? OptionalNullablePositiveDouble(string field) => Has(field) ? OptionalPositiveDouble(field, 0) : null;

    public bool OptionalBool(string field, bool fallback)
    {
        if (!Has(field))
        {
            return fallback;
        }
        var element = _root.GetProperty(field);
        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(field, $"expected true or false, found {element.GetRawText()}"),
        };
    }

    public IReadOnlyList<int> OptionalIntList(string field)
    {
        if (!Has(field))
        {
            return Array.Empty<int>();
        }
        var element = _root.GetProperty(field);
        if (element.ValueKind == JsonValueKind.Number)
        {
            var single = Int(field);
            return single >= 0 ? new[] { single } : throw Error(field, $"must be a non-negative token id, found {single}");
        }
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Error(field, $"expected an integer or a list of integers, found {element.ValueKind}");
        }
        var values = new List<int>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var value) || value < 0)
            {
                throw Error(field, $"holds {item.GetRawText()}, not a non-negative integer");
            }
            values.Add(value);
        }
        return values;
    }

    private int PositiveInt(string field, int max)
    {
        var value = Int(field);
        return value <= 0 ? throw Error(field, $"must be positive, found {value}")
            : value > max ? throw Error(field, $"{value} exceeds the supported maximum of {max}")
            : value;
    }

    private int Int(string field)
    {
        var element = _root.GetProperty(field);
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var value))
        {
            throw Error(field, $"expected an integer, found {element.GetRawText()}");
        }
        return value;
    }
}
