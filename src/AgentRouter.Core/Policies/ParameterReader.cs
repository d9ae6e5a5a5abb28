using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>Reads a policy's parameters from <see cref="PolicySettings.Parameters"/> with defaults and range
/// checks. Every error is an <see cref="ArgumentException"/> whose ParamName is the parameter's name, so that
/// a preset loader can point at the offending field.</summary>
internal sealed class ParameterReader
{
    private readonly string _policy;
    private readonly JsonObject? _parameters;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ParameterReader(string policy, JsonObject? parameters)
    {
        _policy = policy;
        _parameters = parameters;
    }

    /// <summary>A number in [min, max] (or (min, max] when <paramref name="minExclusive"/>).</summary>
    public double Double(string name, double defaultValue, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false)
    {
        var value = OptionalDouble(name, min, max, minExclusive);
        return value ?? defaultValue;
    }

    public double? OptionalDouble(string name, double min = double.NegativeInfinity,
        double max = double.PositiveInfinity, bool minExclusive = false)
    {
        var node = Find(name);
        if (node is null)
        {
            return null;
        }

        var value = ReadNumber(name, node);
        // Unbounded parameters still get sane ceilings: 1e308 passed every check once and then made scores, costs
        // and TimeSpans overflow at serving time; a non-zero magnitude below 1e-12 (e.g. a ridge of 1e-320) is noise
        // that overflows when inverted.
        max = Math.Min(max, MaxMagnitude);
        min = Math.Max(min, -MaxMagnitude);
        var tooLow = minExclusive ? value <= min : value < min;
        if (tooLow || value > max)
        {
            var lower = minExclusive ? $"({Format(min)}" : $"[{Format(min)}";
            throw Error(name, $"must be in {lower}, {Format(max)}], got {Format(value)}");
        }

        if (value != 0 && Math.Abs(value) < MinMagnitude)
        {
            throw Error(name, $"must be 0 or at least {Format(MinMagnitude)} in magnitude, got {Format(value)}");
        }

        return value;
    }

    /// <summary>The largest magnitude any number parameter may have unless its own range is narrower.</summary>
    public const double MaxMagnitude = 1e9;

    /// <summary>The smallest non-zero magnitude any number parameter may have.</summary>
    public const double MinMagnitude = 1e-12;

    public int Int(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue) =>
        OptionalInt(name, min, max) ?? defaultValue;

    /// <summary>An integer in [min, max], or null when the parameter is absent.</summary>
    public int? OptionalInt(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var node = Find(name);
        if (node is null)
        {
            return null;
        }

        var value = ReadNumber(name, node);
        if (value != Math.Floor(value))
        {
            throw Error(name, $"must be an integer, got {Format(value)}");
        }

        if (value < min || value > max)
        {
            throw Error(name, $"must be in [{min}, {max}], got {Format(value)}");
        }

        return (int)value;
    }

    public bool Bool(string name, bool defaultValue)
    {
        var node = Find(name);
        if (node is null)
        {
            return defaultValue;
        }

        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            var kind => throw Error(name, $"must be true or false, got {Describe(kind)}"),
        };
    }

    public string? String(string name, string? defaultValue)
    {
        var node = Find(name);
        if (node is null)
        {
            return defaultValue;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw Error(name, $"must be a string, got {Describe(node.GetValueKind())}");
        }

        var text = node.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Error(name, "must not be empty");
        }

        return text;
    }

    /// <summary>Call after reading every parameter: names the policy does not know are errors, not ignored.</summary>
    public void RejectUnknown()
    {
        if (_parameters is null)
        {
            return;
        }

        foreach (var (name, _) in _parameters)
        {
            if (!_read.Contains(name))
            {
                var known = _read.Count == 0 ? "none" : string.Join(", ", _read.Order(StringComparer.Ordinal));
                throw new ArgumentException(
                    $"Policy '{_policy}' has no parameter '{name}' (known parameters: {known}).", name);
            }
        }
    }

    /// <summary>The override when given, else the parameter. Both are evaluated so that a preset's own cost
    /// parameter is still read (and validated) when a sweep overrides it.</summary>
    public static double PreferOverride(double? overrideValue, double parameterValue) => overrideValue ?? parameterValue;

    /// <summary>Validates <see cref="PolicySettings.CostWeight"/>, the shared override every policy honours.</summary>
    public static double? CostWeightOverride(string policy, PolicySettings settings)
    {
        if (settings.CostWeight is { } weight && (!double.IsFinite(weight) || weight < 0))
        {
            throw new ArgumentException(
                $"Policy '{policy}': costWeight must be a finite number >= 0, got {weight}.", "costWeight");
        }

        return settings.CostWeight;
    }

    private JsonNode? Find(string name)
    {
        _read.Add(name);
        if (_parameters is null || !_parameters.TryGetPropertyValue(name, out var node))
        {
            return null;
        }

        return node ?? throw Error(name, "must not be null");
    }

    private double ReadNumber(string name, JsonNode node)
    {
        var kind = node.GetValueKind();
        if (kind != JsonValueKind.Number || !TryReadNumber(node, out var value))
        {
            throw Error(name, $"must be a number, got {Describe(kind)}");
        }

        if (!double.IsFinite(value))
        {
            throw Error(name, "must be finite");
        }

        return value;
    }

    /// <summary>Reads a JSON number whether the node was parsed from text or built in code from any numeric type.</summary>
    internal static bool TryReadNumber(JsonNode node, out double value)
    {
        value = 0;
        if (node is not JsonValue json || json.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (json.TryGetValue(out value))
        {
            return true;
        }

        if (json.TryGetValue<long>(out var whole))
        {
            value = whole;
            return true;
        }

        if (json.TryGetValue<int>(out var small))
        {
            value = small;
            return true;
        }

        if (json.TryGetValue<float>(out var single))
        {
            value = single;
            return true;
        }

        if (json.TryGetValue<decimal>(out var exact))
        {
            value = (double)exact;
            return true;
        }

        return double.TryParse(json.ToJsonString(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    private ArgumentException Error(string name, string problem) =>
        new($"Policy '{_policy}': parameter '{name}' {problem}.", name);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "∞" : double.IsNegativeInfinity(value) ? "-∞"
        : value.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
}
