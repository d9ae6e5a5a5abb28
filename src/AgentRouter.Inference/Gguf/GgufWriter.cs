using System.Text;

namespace AgentRouter.Inference.Gguf;

/// <summary>Writes GGUF version 3 files: header, metadata, tensor infos, then each tensor's data aligned to
/// <see cref="Alignment"/> bytes. Tensor values are asked for one tensor at a time, so a model need not be held twice.</summary>
public static class GgufWriter
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const uint Version = 3;
    public const int Alignment = 32;

    /// <summary>Writes to <c>path.tmp</c> and renames it into place when complete, so a failed export leaves no half file.</summary>
    public static void Write(string path, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors, IProgress<int>? tensorsWritten = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!names.Add(tensor.Name))
            {
                throw new GgufFormatException(path, $"tensor '{tensor.Name}' is listed twice");
            }
        }

        var temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write((ulong)tensors.Count);
                writer.Write((ulong)metadata.Entries.Count);
                foreach (var (key, value) in metadata.Entries)
                {
                    WriteString(writer, key);
                    writer.Write((uint)value.Type);
                    WriteValue(writer, value);
                }

                ulong offset = 0;
                foreach (var tensor in tensors)
                {
                    WriteString(writer, tensor.Name);
                    writer.Write((uint)tensor.Shape.Count);
                    for (var dimension = tensor.Shape.Count - 1; dimension >= 0; dimension--)
                    {
                        writer.Write((ulong)tensor.Shape[dimension]);
                    }
                    writer.Write((uint)tensor.Type);
                    writer.Write(offset);
                    offset += (ulong)Padded(tensor.ByteCount);
                }
                writer.Flush();
                Pad(stream);

                var written = 0;
                foreach (var tensor in tensors)
                {
                    var values = tensor.Values();
                    if (values.LongLength != tensor.ElementCount)
                    {
                        throw new GgufFormatException(path, $"tensor '{tensor.Name}' has {values.LongLength} values, its shape [{string.Join(", ", tensor.Shape)}] needs {tensor.ElementCount}");
                    }
                    var bytes = GgufEncoding.Encode(values, tensor.Type);
                    stream.Write(bytes);
                    Pad(stream);
                    tensorsWritten?.Report(++written);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static long Padded(long length) => (length + Alignment - 1) / Alignment * Alignment;

    private static void Pad(Stream stream)
    {
        var padding = (int)(Padded(stream.Position) - stream.Position);
        if (padding > 0)
        {
            stream.Write(new byte[padding]);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteValue(BinaryWriter writer, GgufValue value)
    {
        switch (value.Type)
        {
            case GgufValueType.String:
                WriteString(writer, (string)value.Value);
                break;
            case GgufValueType.UInt32:
                writer.Write((uint)value.Value);
                break;
            case GgufValueType.Int32:
                writer.Write((int)value.Value);
                break;
            case GgufValueType.Float32:
                writer.Write((float)value.Value);
                break;
            case GgufValueType.Bool:
                writer.Write((bool)value.Value ? (byte)1 : (byte)0);
                break;
            case GgufValueType.Array:
                WriteArray(writer, value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Type, "metadata type not written by this project");
        }
    }

    private static void WriteArray(BinaryWriter writer, GgufValue value)
    {
        writer.Write((uint)value.ElementType);
        switch (value.Value)
        {
            case IReadOnlyList<string> strings:
                writer.Write((ulong)strings.Count);
                foreach (var item in strings)
                {
                    WriteString(writer, item);
                }
                break;
            case IReadOnlyList<int> integers:
                writer.Write((ulong)integers.Count);
                foreach (var item in integers)
                {
                    writer.Write(item);
                }
                break;
            case IReadOnlyList<float> floats:
                writer.Write((ulong)floats.Count);
                foreach (var item in floats)
                {
                    writer.Write(item);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Value.GetType(), "array element type not written by this project");
        }
    }
}
