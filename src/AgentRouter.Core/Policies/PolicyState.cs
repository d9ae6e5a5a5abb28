using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>Helpers for writing and reading policy snapshots. Reading errors are
/// <see cref="ArgumentException"/>s naming the snapshot field.</summary>
internal static class PolicyState
{
    public static JsonObject Header(string policy) => new() { ["policy"] = policy };

    public static void CheckPolicy(JsonObject state, string policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        var recorded = state["policy"]?.GetValue<string>();
        if (!string.Equals(recorded, policy, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"The snapshot belongs to policy '{recorded ?? "(none)"}', not '{policy}'.", "policy");
        }
    }

    public static JsonArray Doubles(ReadOnlySpan<double> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }

    public static double[] ReadDoubles(JsonObject state, string field, int expectedLength)
    {
        if (state[field] is not JsonArray array)
        {
            throw Missing(field);
        }

        if (array.Count != expectedLength)
        {
            throw new ArgumentException(
                $"Snapshot field '{field}' has {array.Count} values, expected {expectedLength}.", field);
        }

        var values = new double[expectedLength];
        for (var i = 0; i < expectedLength; i++)
        {
            values[i] = array[i]?.GetValue<double>() ?? throw Missing($"{field}[{i}]");
        }

        return values;
    }

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }

    public static string[] ReadStrings(JsonObject state, string field)
    {
        if (state[field] is not JsonArray array)
        {
            throw Missing(field);
        }

        var values = new string[array.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = array[i]?.GetValue<string>() ?? throw Missing($"{field}[{i}]");
        }

        return values;
    }

    public static T Required<T>(JsonObject state, string field) =>
        state[field] is { } node ? node.GetValue<T>() : throw Missing(field);

    public static JsonObject RequiredObject(JsonObject state, string field) =>
        state[field] as JsonObject ?? throw Missing(field);

    /// <summary>Large matrices go in as base64 of their little-endian doubles: exact and compact.</summary>
    public static string Packed(ReadOnlySpan<double> values) =>
        Convert.ToBase64String(MemoryMarshal.AsBytes(values));

    public static double[] Unpack(string packed, int expectedLength, string field)
    {
        var bytes = Convert.FromBase64String(packed);
        if (bytes.Length != expectedLength * sizeof(double))
        {
            throw new ArgumentException(
                $"Snapshot field '{field}' holds {bytes.Length / sizeof(double)} values, expected {expectedLength}.", field);
        }

        return MemoryMarshal.Cast<byte, double>(bytes).ToArray();
    }

    private static ArgumentException Missing(string field) =>
        new($"The snapshot lacks field '{field}'.", field);
}
