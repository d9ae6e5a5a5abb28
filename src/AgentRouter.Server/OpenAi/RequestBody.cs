using System.Buffers;
using System.Text.Json;

namespace AgentRouter.Server.OpenAi;

/// <summary>Reads a JSON request body under a size cap. Oversized bodies are 413, bodies that are not JSON
/// (malformed, invalid UTF-8, empty) are 400 with the parser's position.</summary>
public static class RequestBody
{
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

        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 64 });
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
}
