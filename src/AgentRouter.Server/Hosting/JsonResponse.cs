using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace AgentRouter.Server.Hosting;

/// <summary>Writes a JSON response body from a <see cref="Utf8JsonWriter"/> callback into a per-thread pooled buffer, then
/// copies it to the response pipe with its <c>Content-Length</c> in one write. Nothing reaches the client until the whole
/// body is written, so a callback that throws still leaves the error middleware free to answer with a status; the writer
/// and buffer are reused by the next response on the thread (rendering and the copy run synchronously, so no other
/// response can interleave).</summary>
internal static class JsonResponse
{
    public delegate void Body<TState>(Utf8JsonWriter writer, in TState state);

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static PooledBufferWriter? t_buffer;

    public static ValueTask<FlushResult> WriteAsync<TState>(HttpResponse response, in TState state, Body<TState> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var json = Render(state, body);
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        response.BodyWriter.Write(json);
        return response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Renders <paramref name="body"/> into this thread's buffer.</summary>
    /// <returns>The JSON, valid until the next render on this thread.</returns>
    internal static ReadOnlySpan<byte> Render<TState>(in TState state, Body<TState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = t_buffer ??= new PooledBufferWriter();
        buffer.Clear();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        try
        {
            body(writer, state);
            writer.Flush();
        }
        catch
        {
            buffer.Clear();
            throw;
        }
        finally
        {
            writer.Reset();
        }

        return buffer.WrittenSpan;
    }

    /// <summary>Writes <paramref name="body"/> into a fresh array (for tests and rare paths that need the bytes).</summary>
    public static byte[] ToBytes<TState>(in TState state, Body<TState> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body(writer, state);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>An <see cref="IBufferWriter{T}"/> over one array from <see cref="ArrayPool{T}.Shared"/>, grown by renting a larger
/// one. <see cref="Clear"/> keeps an ordinary-sized array for the next use and gives an oversized one back to the pool.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private const int InitialSize = 4096;
    private const int KeptSize = 64 * 1024;
    private byte[] _array = [];
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _array.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    public void Clear()
    {
        _written = 0;
        if (_array.Length > KeptSize)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(InitialSize, _array.Length * 2)));
        _array.AsSpan(0, _written).CopyTo(larger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = larger;
    }
}
