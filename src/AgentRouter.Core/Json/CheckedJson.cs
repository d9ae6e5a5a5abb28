using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AgentRouter.Core.Json;

/// <summary>Parses JSON from files and other untrusted text with the two checks <see cref="JsonDocument"/> does not
/// make while parsing: a string escape that is not valid UTF-16 (a lone surrogate such as <c>"\ud800"</c>, which
/// <see cref="JsonDocument"/> accepts and then throws <see cref="InvalidOperationException"/> for when the string is
/// read) and the same key twice in one object (kept by default, and fatal to <c>JsonObject</c> and
/// <c>ToDictionary</c> later). Both become the <see cref="JsonException"/> every reader already turns into its typed,
/// file-naming error.</summary>
public static class CheckedJson
{
    /// <summary><see cref="JsonDocument.Parse(string, JsonDocumentOptions)"/>, refusing duplicate keys and invalid escapes.</summary>
    public static JsonDocument Parse(string json, JsonDocumentOptions options = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), options);
    }

    /// <summary>The same for UTF-8 bytes. <paramref name="allowDuplicateKeys"/> is for readers that find duplicates
    /// themselves to name them in their own terms (a safetensors header names the tensor given twice).</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, JsonDocumentOptions options = default, bool allowDuplicateKeys = false)
    {
        options.AllowDuplicateProperties = allowDuplicateKeys;
        CheckUtf8(utf8Json.Span);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, options);
        }
        catch (InvalidOperationException e)
        {
            // The duplicate-key check decodes every key, and a key with a lone surrogate escape throws here.
            throw new JsonException(InvalidEscape, e);
        }

        try
        {
            CheckEscapes(document.RootElement);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Checks an element parsed some other way (<see cref="JsonDocument.ParseValue"/> over a streaming
    /// reader): every escaped string decodes and, unless <paramref name="allowDuplicateKeys"/>, no object names
    /// a key twice.</summary>
    public static void Check(JsonElement element, bool allowDuplicateKeys = false)
    {
        CheckUtf8(JsonMarshal.GetRawUtf8Value(element));
        CheckEscapes(element);
        if (!allowDuplicateKeys)
        {
            CheckDuplicateKeys(element);
        }
    }

    private const string InvalidEscape = "a string escape is not valid UTF-16 (a lone surrogate such as \\ud800)";

    /// <summary>The reader checks UTF-8 only where it must; a string with broken UTF-8 parses and then throws
    /// <see cref="InvalidOperationException"/> when it is read.</summary>
    private static void CheckUtf8(ReadOnlySpan<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            throw new JsonException("the text is not valid UTF-8");
        }
    }

    private static void CheckEscapes(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (JsonMarshal.GetRawUtf8PropertyName(property).IndexOf((byte)'\\') >= 0)
                    {
                        Decode(() => property.Name);
                    }

                    CheckEscapes(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CheckEscapes(item);
                }

                break;
            case JsonValueKind.String when JsonMarshal.GetRawUtf8Value(element).IndexOf((byte)'\\') >= 0:
                Decode(element.GetString);
                break;
        }
    }

    private static void Decode(Func<string?> read)
    {
        try
        {
            _ = read();
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException(InvalidEscape, e);
        }
    }

    private static void CheckDuplicateKeys(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new JsonException($"the key '{(property.Name.Length <= 64 ? property.Name : property.Name[..64] + "…")}' appears twice in one object");
                }

                CheckDuplicateKeys(property.Value);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                CheckDuplicateKeys(item);
            }
        }
    }
}
