namespace AgentRouter.Inference.Safetensors;

/// <summary>One header entry; offsets are relative to the start of the data area.</summary>
public sealed record SafetensorsTensorInfo(string Name, SafetensorsDType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);
}
