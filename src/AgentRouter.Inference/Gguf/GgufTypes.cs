namespace AgentRouter.Inference.Gguf;

/// <summary>The value types of GGUF metadata (gguf.h's <c>gguf_type</c>).</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>The tensor element types this project writes and reads (ggml.h's <c>ggml_type</c> numbering).</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
    BF16 = 30,
}

public static class GgmlTypeSizes
{
    /// <summary>Elements per quantisation block (1 for plain float types).</summary>
    public static int BlockSize(this GgmlType type) => type == GgmlType.Q8_0 ? Q8Block.Elements : 1;

    /// <summary>Bytes per block.</summary>
    public static int BlockBytes(this GgmlType type) => type switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 or GgmlType.BF16 => 2,
        GgmlType.Q8_0 => Q8Block.Bytes,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a ggml type this project handles"),
    };

    /// <summary>Bytes of a row of <paramref name="elements"/> values; the row length must be a whole number of blocks.</summary>
    public static long RowBytes(this GgmlType type, long elements)
    {
        var block = type.BlockSize();
        if (elements % block != 0)
        {
            throw new ArgumentException($"a {type} row holds whole blocks of {block} values; {elements} is not a multiple", nameof(elements));
        }
        return elements / block * type.BlockBytes();
    }
}

/// <summary>ggml's q8_0 block: one fp16 scale and 32 signed bytes (34 bytes for 32 weights).</summary>
public static class Q8Block
{
    public const int Elements = 32;
    public const int Bytes = 2 + Elements;
}
