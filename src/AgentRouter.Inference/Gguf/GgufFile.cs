using System.Text;
using AgentRouter.Core.IO;

namespace AgentRouter.Inference.Gguf;

/// <summary>One tensor's entry in a GGUF file: name, ggml dimensions (innermost first), type and absolute data offset.</summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<ulong> Dimensions, uint Type, ulong DataOffset);

/// <summary>The header of a GGUF file — metadata and tensor infos — read and checked against the file's real size
/// before anything else uses it, so a bad or truncated file is a clear error up front rather than a crash in native code.</summary>
public sealed class GgufFile
{
    private GgufFile(string path, uint version, IReadOnlyDictionary<string, object> metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        FilePath = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
    }

    public string FilePath { get; }

    public uint Version { get; }

    /// <summary>Values as read: strings, numbers, bools, and arrays as <c>object[]</c>.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public string Architecture => Metadata.TryGetValue("general.architecture", out var value) && value is string text
        ? text
        : throw new GgufFormatException(FilePath, "metadata has no general.architecture");

    public string? ChatTemplate => Metadata.TryGetValue("tokenizer.chat_template", out var value) ? value as string : null;

    public static GgufFile Read(string path)
    {
        using var stream = OpenRegular(path);
        var reader = new Reader(stream, path);
        if (stream.Length < 24 || reader.UInt32() != GgufWriter.Magic)
        {
            throw new GgufFormatException(path, "not a GGUF file (no 'GGUF' magic at the start)");
        }
        var version = reader.UInt32();
        if (version is < 2 or > 3)
        {
            throw new GgufFormatException(path, $"GGUF version {version} is not supported (2 and 3 are)");
        }
        // The fewest bytes an entry takes: a tensor's name length, one dimension, type and offset; a key's length and type.
        var tensorCount = reader.Count("tensor count", entryBytes: 32);
        var metadataCount = reader.Count("metadata count", entryBytes: 13);
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0L; i < metadataCount; i++)
        {
            var key = reader.String();
            var type = (GgufValueType)reader.UInt32();
            if (!metadata.TryAdd(key, reader.Value(type, depth: 0)))
            {
                throw new GgufFormatException(path, $"metadata key '{key}' appears twice");
            }
        }
        var alignment = metadata.TryGetValue("general.alignment", out var alignmentValue) && alignmentValue is uint declared ? declared : (uint)GgufWriter.Alignment;
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new GgufFormatException(path, $"general.alignment {alignment} is not a power of two");
        }
        var raw = new List<(string Name, ulong[] Dimensions, uint Type, ulong Offset)>();
        for (var i = 0L; i < tensorCount; i++)
        {
            var name = reader.String();
            var dimensionCount = reader.UInt32();
            if (dimensionCount is 0 or > 4)
            {
                throw new GgufFormatException(path, $"tensor '{name}' has {dimensionCount} dimensions (1 to 4 allowed)");
            }
            var dimensions = new ulong[dimensionCount];
            for (var d = 0; d < dimensionCount; d++)
            {
                dimensions[d] = reader.UInt64();
            }
            raw.Add((name, dimensions, reader.UInt32(), reader.UInt64()));
        }
        var dataStart = (stream.Position + alignment - 1) / alignment * alignment;
        var tensors = new List<GgufTensorInfo>(raw.Count);
        foreach (var (name, dimensions, type, offset) in raw)
        {
            var bytes = ByteCount(path, name, dimensions, type);
            if (bytes is { } known && (ulong)dataStart + offset + known > (ulong)stream.Length)
            {
                throw new GgufFormatException(path, $"tensor '{name}' ends at byte {(ulong)dataStart + offset + known}, past the end of the file ({stream.Length} bytes): the file is truncated");
            }
            tensors.Add(new GgufTensorInfo(name, dimensions, type, (ulong)dataStart + offset));
        }
        return new GgufFile(path, version, metadata, tensors);
    }

    private static FileStream OpenRegular(string path)
    {
        try
        {
            // InputFiles follows links to their target and refuses FIFOs, devices and folders, so reading never blocks.
            return InputFiles.OpenRead(path);
        }
        catch (InputFileException error)
        {
            throw new GgufFormatException(path, error.Problem == "not found" ? "file not found" : error.Problem);
        }
    }

    private static ulong? ByteCount(string path, string name, ulong[] dimensions, uint type)
    {
        ulong elements = 1;
        foreach (var dimension in dimensions)
        {
            try
            {
                elements = checked(elements * dimension);
            }
            catch (OverflowException)
            {
                throw new GgufFormatException(path, $"tensor '{name}' has an element count that overflows");
            }
        }
        if (!Enum.IsDefined(typeof(GgmlType), type))
        {
            return null; // a type this project does not write (e.g. q4_k): llama.cpp checks its size itself
        }
        var ggml = (GgmlType)type;
        if (dimensions[0] % (ulong)ggml.BlockSize() != 0)
        {
            throw new GgufFormatException(path, $"tensor '{name}' rows of {dimensions[0]} values are not whole {ggml} blocks");
        }
        return elements / (ulong)ggml.BlockSize() * (ulong)ggml.BlockBytes();
    }

    private sealed class Reader
    {
        private const int MaximumDepth = 4;

        /// <summary>The longest metadata array accepted (the largest real vocabularies and merge lists hold well under 1M).</summary>
        private const long MaximumArrayLength = 1L << 24;

        /// <summary>The longest metadata string accepted (chat templates, the longest real strings, are tens of kilobytes).</summary>
        private const long MaximumStringBytes = 64L * 1024 * 1024;
        private readonly Stream _stream;
        private readonly string _path;
        private readonly byte[] _scratch = new byte[8];

        public Reader(Stream stream, string path)
        {
            _stream = stream;
            _path = path;
        }

        public uint UInt32() => BitConverter.ToUInt32(Bytes(4));

        public ulong UInt64() => BitConverter.ToUInt64(Bytes(8));

        /// <summary>A count whose entries (each at least <paramref name="entryBytes"/> long) must fit in what is left of the
        /// file, and at most <paramref name="limit"/>: a corrupt count is refused before anything is allocated for it.</summary>
        public long Count(string what, long entryBytes = 1, long limit = long.MaxValue)
        {
            var count = UInt64();
            var left = (ulong)(_stream.Length - _stream.Position);
            if (count > left / (ulong)entryBytes)
            {
                throw new GgufFormatException(_path, $"{what} {count} cannot fit in a file of {_stream.Length} bytes: the file is truncated or corrupt");
            }
            if (count > (ulong)limit)
            {
                throw new GgufFormatException(_path, $"{what} {count} is over the limit of {limit:N0} this reader accepts (real models stay far below it)");
            }
            return (long)count;
        }

        public string String()
        {
            var length = Count("string length", limit: MaximumStringBytes);
            var buffer = new byte[length];
            _stream.ReadExactly(buffer);
            return Encoding.UTF8.GetString(buffer);
        }

        public object Value(GgufValueType type, int depth) => type switch
        {
            GgufValueType.UInt8 => Bytes(1)[0],
            GgufValueType.Int8 => (sbyte)Bytes(1)[0],
            GgufValueType.UInt16 => BitConverter.ToUInt16(Bytes(2)),
            GgufValueType.Int16 => BitConverter.ToInt16(Bytes(2)),
            GgufValueType.UInt32 => UInt32(),
            GgufValueType.Int32 => BitConverter.ToInt32(Bytes(4)),
            GgufValueType.Float32 => BitConverter.ToSingle(Bytes(4)),
            GgufValueType.Bool => Bytes(1)[0] != 0,
            GgufValueType.String => String(),
            GgufValueType.UInt64 => UInt64(),
            GgufValueType.Int64 => BitConverter.ToInt64(Bytes(8)),
            GgufValueType.Float64 => BitConverter.ToDouble(Bytes(8)),
            GgufValueType.Array => Array(depth),
            _ => throw new GgufFormatException(_path, $"unknown metadata value type {(uint)type} at byte {_stream.Position}"),
        };

        private object[] Array(int depth)
        {
            if (depth >= MaximumDepth)
            {
                throw new GgufFormatException(_path, "metadata arrays nested too deeply");
            }
            var elementType = (GgufValueType)UInt32();
            var count = Count("array length", EncodedBytes(elementType), MaximumArrayLength);
            var items = new object[count];
            for (var i = 0L; i < count; i++)
            {
                items[i] = Value(elementType, depth + 1);
            }
            return items;
        }

        /// <summary>The fewest bytes one value of <paramref name="type"/> takes in the file (a string or array: its length field).</summary>
        private static long EncodedBytes(GgufValueType type) => type switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.Array => 12,
            _ => 8,
        };

        private byte[] Bytes(int count)
        {
            try
            {
                _stream.ReadExactly(_scratch, 0, count);
            }
            catch (EndOfStreamException)
            {
                throw new GgufFormatException(_path, $"the file ends at byte {_stream.Length} inside its header: it is truncated");
            }
            return _scratch;
        }
    }
}
