using System.Runtime.InteropServices;

namespace AgentRouter.Inference.KvSharing;

/// <summary>64-bit FNV-1a over the weights id, the parent hash and the token ids: deterministic across processes and runs,
/// which a per-process randomised <see cref="HashCode"/> would not be.</summary>
public sealed class Fnv1aBlockHasher : IBlockHasher
{
    public static readonly Fnv1aBlockHasher Instance = new();

    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public ulong Hash(ulong parentHash, ReadOnlySpan<int> tokens, string weightsId)
    {
        ArgumentNullException.ThrowIfNull(weightsId);
        var hash = OffsetBasis;
        foreach (var character in weightsId)
        {
            hash = (hash ^ character) * Prime;
        }
        hash = Mix(hash, BitConverter.GetBytes(parentHash));
        return Mix(hash, MemoryMarshal.AsBytes(tokens));
    }

    private static ulong Mix(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var value in bytes)
        {
            hash = (hash ^ value) * Prime;
        }
        return hash;
    }
}
