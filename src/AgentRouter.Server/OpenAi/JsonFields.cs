using System.Text.Json;

namespace AgentRouter.Server.OpenAi;

/// <summary>Typed reads of optional JSON fields; a wrong type is a 400 naming the field.</summary>
internal static class JsonFields
{
    public static string? String(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw ApiError.BadRequest($"'{path}' must be a string, got {Describe(value)}", path, "invalid_type");
    }

    /// <summary>A short string (a name, id or label) under a length cap: long ones are refused before they
    /// reach a table keyed by them.</summary>
    public static string? Short(JsonElement obj, string name, string path, int maxChars)
    {
        var value = String(obj, name, path);
        return value is null ? null : CheckLength(value, path, maxChars);
    }

    public static string CheckLength(string value, string path, int maxChars) => value.Length <= maxChars
        ? value
        : throw ApiError.BadRequest($"'{path}' has {value.Length} characters; the limit is {maxChars}", path, "string_too_long");

    public static bool? Bool(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiError.BadRequest($"'{path}' must be a boolean, got {Describe(value)}", path, "invalid_type"),
        };
    }

    public static long? Integer(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw ApiError.BadRequest($"'{path}' must be an integer, got {Describe(value)}", path, "invalid_type");
        }

        return value.TryGetInt64(out var number)
            ? number
            : throw ApiError.BadRequest($"'{path}' must be an integer within ±9.2e18, got {value.GetRawText()}", path, "invalid_value");
    }

    public static double? Number(JsonElement obj, string name, string path)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw ApiError.BadRequest($"'{path}' must be a finite number, got {Describe(value)}", path, "invalid_type");
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString(),
    };

    public static JsonElement RequireObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest($"the request body must be a JSON object, got {Describe(root)}");
        }

        return root;
    }
}
