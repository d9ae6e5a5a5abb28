using System.Buffers;
using System.Text.Json;

namespace AgentRouter.Server.OpenAi;

/// <summary>Reads a JSON request body under a size cap. Oversized bodies are 413, bodies that are not JSON
/// (malformed, invalid UTF-8, empty, a string escape that is not valid UTF-16 such as a lone surrogate
/// <c>"\ud800"</c>, an object with the same key twice) are 400 with the parser's position, so that every
/// string a handler reads afterwards is known to decode.</summary>
public static class RequestBody
{
    private const int MaxDepth = 64;

    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            throw ApiError.TooLarge($"the request body is {declared} bytes; the limit is {maxBytes}");
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            int read;
            try
            {
                read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                throw ApiError.TooLarge($"the request body exceeds the limit of {maxBytes} bytes");
            }

            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBytes)
            {
                throw ApiError.TooLarge($"the request body exceeds the limit of {maxBytes} bytes");
            }
        }

        if (buffer.WrittenCount == 0)
        {
            throw ApiError.BadRequest("the request body is empty; a JSON object is required");
        }

        if (!System.Text.Unicode.Utf8.IsValid(buffer.WrittenSpan))
        {
            throw ApiError.BadRequest("the request body is not valid UTF-8", null, "invalid_encoding");
        }

        CheckStringsAndKeys(buffer.WrittenSpan);
        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", null, "invalid_json");
        }
        catch (ArgumentException e)
        {
            throw ApiError.BadRequest($"the request body is not valid UTF-8 JSON: {e.Message}", null, "invalid_json");
        }
    }

    /// <summary>Decodes every escaped string and property name once and refuses an object that names a key
    /// twice. <see cref="JsonDocument"/> checks escapes only when a string is read, where a lone surrogate throws
    /// <see cref="InvalidOperationException"/> (formerly a 500 from whichever handler read the field first),
    /// and it keeps duplicate keys, of which a handler would silently see only one.</summary>
    private static void CheckStringsAndKeys(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var scopes = new Stack<HashSet<string>?>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        scopes.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        scopes.Push(null);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var key = Decode(ref reader);
                        if (scopes.Peek() is { } keys && !keys.Add(key))
                        {
                            throw ApiError.BadRequest($"the request body names the key '{Shorten(key)}' twice in one object (byte {reader.TokenStartIndex + 1})", Shorten(key), "duplicate_key");
                        }

                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = Decode(ref reader);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the full parse below reports it with its position.
        }
    }

    private static string Decode(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw ApiError.BadRequest(
                $"the request body has a string escape that is not valid UTF-16 (a lone surrogate such as \\ud800) at byte {reader.TokenStartIndex + 1}",
                null, "invalid_string");
        }
    }

    private static string Shorten(string key) => key.Length <= 64 ? key : key[..64] + "…";
}
