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

    public static async Task<RequestJson> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            throw ApiError.TooLarge($"the request body is {declared} bytes; the limit is {maxBytes}");
        }

        // One pooled array, sized from Content-Length when it is given (a read of 0 bytes then ends the body).
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, Math.Max(request.ContentLength + 1 ?? 4096, 256)));
        var written = 0;
        try
        {
            while (true)
            {
                if (written == buffer.Length)
                {
                    buffer = Grow(buffer, written, maxBytes);
                }

                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(written), cancellationToken).ConfigureAwait(false);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    throw ApiError.TooLarge($"the request body exceeds the limit of {maxBytes} bytes");
                }

                if (read == 0)
                {
                    break;
                }

                written += read;
                if (written > maxBytes)
                {
                    throw ApiError.TooLarge($"the request body exceeds the limit of {maxBytes} bytes");
                }
            }

            var json = Parse(buffer.AsMemory(0, written));
            var body = new RequestJson(json, buffer);
            buffer = null;
            return body;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static byte[] Grow(byte[] buffer, int written, long maxBytes)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
        buffer.AsSpan(0, written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        var span = body.Span;
        if (span.IsEmpty)
        {
            throw ApiError.BadRequest("the request body is empty; a JSON object is required");
        }

        if (!System.Text.Unicode.Utf8.IsValid(span))
        {
            throw ApiError.BadRequest("the request body is not valid UTF-8", null, "invalid_encoding");
        }

        // Without a backslash no string or key is escaped: no escape can be a lone surrogate, and keys compare byte for
        // byte, so the parser's own duplicate-key check finds exactly the duplicates the full check would; that check
        // then only runs to word the error. With escapes, the full check runs first, as every body's did.
        var escaped = span.Contains((byte)'\\');
        if (escaped)
        {
            CheckStringsAndKeys(span);
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            if (!escaped)
            {
                CheckStringsAndKeys(span);
            }

            throw ApiError.BadRequest($"the request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", null, "invalid_json");
        }
        catch (ArgumentException e)
        {
            if (!escaped)
            {
                CheckStringsAndKeys(span);
            }

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

/// <summary>A parsed request body over its pooled buffer; disposing it returns both.</summary>
public sealed class RequestJson : IDisposable
{
    private readonly JsonDocument _document;
    private byte[]? _buffer;

    internal RequestJson(JsonDocument document, byte[] buffer)
    {
        _document = document;
        _buffer = buffer;
    }

    public JsonElement RootElement => _document.RootElement;

    public void Dispose()
    {
        _document.Dispose();
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
