namespace AgentRouter.Inference.Gguf;

/// <summary>A tensor to write: its GGUF name, its shape in row-major order (outermost first, as torch and
/// safetensors list it — the file stores the reverse, ggml's <c>ne</c>), the element type to store it as,
/// and a source of its float32 values, asked for only when the tensor is written.</summary>
public sealed record GgufTensor(string Name, IReadOnlyList<long> Shape, GgmlType Type, Func<float[]> Values)
{
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>Bytes of the stored data: rows along the innermost dimension, each a whole number of blocks.</summary>
    public long ByteCount => Type.RowBytes(Shape[^1]) * (ElementCount / Shape[^1]);
}
