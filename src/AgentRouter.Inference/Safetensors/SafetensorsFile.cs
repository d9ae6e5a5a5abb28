using AgentRouter.Core.IO;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using AgentRouter.Inference.Checkpoints;
using TorchSharp;
using AgentRouter.Core.Json;

namespace AgentRouter.Inference.Safetensors;

/// <summary>
/// A memory-mapped safetensors file whose header has been fully validated on open: every later read
/// stays inside the mapped data area, so a corrupt file yields <see cref="SafetensorsFormatException"/>
/// and never an out-of-range read.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsTensorInfo> _tensors;

    private SafetensorsFile(string path, string resolvedPath, long fileLength, MemoryMappedFile mapping, MemoryMappedViewAccessor view, long dataStart,
        Dictionary<string, SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        ResolvedPath = resolvedPath;
        FileLength = fileLength;
        _mapping = mapping;
        _view = view;
        _dataStart = dataStart;
        _tensors = tensors;
        Metadata = metadata;
    }

    public string FilePath { get; }

    /// <summary>The regular file behind <see cref="FilePath"/> once symbolic links are followed (a hub-cache blob).</summary>
    public string ResolvedPath { get; }

    /// <summary>The resolved file's length in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Where the data area starts: tensor offsets count from here.</summary>
    public long DataStart => _dataStart;

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IReadOnlyCollection<SafetensorsTensorInfo> Tensors => _tensors.Values;

    public bool Contains(string name) => _tensors.ContainsKey(name);

    public SafetensorsTensorInfo Info(string name) =>
        _tensors.TryGetValue(name, out var info) ? info : throw new SafetensorsFormatException(FilePath, name, "no such tensor in the file");

    public static SafetensorsFile Open(string path)
    {
        // Lengths and the mapping come from the link's final target: a symlink's own size is the length of its target's name.
        string resolved;
        long fileLength;
        try
        {
            var file = InputFiles.Regular(path, long.MaxValue);
            (resolved, fileLength) = (file.FullName, file.Length);
        }
        catch (InputFileException error)
        {
            throw new SafetensorsFormatException(path, null, error.Problem == "not found" ? "file not found" : error.Problem);
        }
        if (fileLength < 8)
        {
            throw new SafetensorsFormatException(path, null, $"file is {fileLength} bytes, shorter than the 8-byte header length field");
        }
        byte[] header;
        long headerLength;
        using (var stream = new FileStream(resolved, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            headerLength = BitConverter.ToInt64(lengthBytes);
            if (headerLength <= 0 || headerLength > fileLength - 8 || headerLength > MaxHeaderBytes)
            {
                throw new SafetensorsFormatException(path, null, $"header length {(ulong)headerLength} does not fit in a file of {fileLength} bytes");
            }
            header = new byte[headerLength];
            stream.ReadExactly(header);
        }
        var dataStart = 8 + headerLength;
        var (tensors, metadata) = ParseHeader(path, header, fileLength - dataStart);
        var mapping = MemoryMappedFile.CreateFromFile(resolved, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = mapping.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
        return new SafetensorsFile(path, resolved, fileLength, mapping, view, dataStart, tensors, metadata);
    }

    /// <summary>Copies a tensor out of the mapping into a new CPU tensor of its stored dtype.</summary>
    public torch.Tensor ReadTensor(string name)
    {
        var info = Info(name);
        var tensor = torch.empty(info.Shape.ToArray(), info.DType.ToScalarType());
        if (info.ByteLength == 0)
        {
            return tensor;
        }
        unsafe
        {
            byte* basePointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            try
            {
                tensor.bytes = new Span<byte>(basePointer + _view.PointerOffset + _dataStart + info.Begin, checked((int)info.ByteLength));
            }
            finally
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
        }
        return tensor;
    }

    public void Dispose()
    {
        _view.Dispose();
        _mapping.Dispose();
    }

    private static (Dictionary<string, SafetensorsTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata) ParseHeader(
        string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = CheckedJson.Parse(header, allowDuplicateKeys: true); // a tensor given twice is named below
        }
        catch (JsonException exception)
        {
            throw new SafetensorsFormatException(path, null, $"header is not valid JSON: {exception.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException(path, null, "header is not a JSON object");
            }
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }
                var info = ParseEntry(path, property.Name, property.Value, dataLength);
                if (!tensors.TryAdd(info.Name, info))
                {
                    throw new SafetensorsFormatException(path, info.Name, "tensor appears twice in the header");
                }
            }
            CheckNoOverlap(path, tensors.Values);
            return (tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, null, "__metadata__ is not an object of strings");
        }
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafetensorsFormatException(path, null, $"__metadata__ value '{entry.Name}' is not a string");
            }
            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafetensorsTensorInfo ParseEntry(string path, string name, JsonElement entry, long dataLength)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new SafetensorsFormatException(path, name, "header entry is not an object");
        }
        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new SafetensorsFormatException(path, name, "missing or non-string 'dtype'");
        }
        var dtypeText = dtypeElement.GetString()!;
        if (!SafetensorsDTypeExtensions.TryParse(dtypeText, out var dtype))
        {
            throw new SafetensorsFormatException(path, name, $"unsupported dtype '{dtypeText}' (supported: F32, F16, BF16)");
        }
        var shape = ReadIntegers(path, name, entry, "shape");
        var offsets = ReadIntegers(path, name, entry, "data_offsets");
        if (offsets.Count != 2)
        {
            throw new SafetensorsFormatException(path, name, $"'data_offsets' has {offsets.Count} values, expected 2");
        }
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end || end > dataLength)
        {
            throw new SafetensorsFormatException(path, name, $"byte span [{begin}, {end}) lies outside the data area of {dataLength} bytes");
        }
        long expectedBytes;
        try
        {
            expectedBytes = checked(shape.Aggregate(1L, (product, dimension) => product * dimension) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(path, name, "shape is too large");
        }
        if (expectedBytes != end - begin)
        {
            throw new SafetensorsFormatException(path, name,
                $"shape [{string.Join(", ", shape)}] of {dtypeText} needs {expectedBytes} bytes but the span holds {end - begin}");
        }
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private static List<long> ReadIntegers(string path, string name, JsonElement entry, string field)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new SafetensorsFormatException(path, name, $"missing or non-array '{field}'");
        }
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
            {
                throw new SafetensorsFormatException(path, name, $"'{field}' holds a value that is not a non-negative integer");
            }
            values.Add(value);
        }
        return values;
    }

    private static void CheckNoOverlap(string path, IEnumerable<SafetensorsTensorInfo> tensors)
    {
        SafetensorsTensorInfo? previous = null;
        foreach (var info in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && info.Begin < previous.End)
            {
                throw new SafetensorsFormatException(path, info.Name, $"byte span overlaps tensor '{previous.Name}'");
            }
            previous = info;
        }
    }
}
