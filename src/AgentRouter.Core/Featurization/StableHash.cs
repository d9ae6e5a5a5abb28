using System.Text;

namespace AgentRouter.Core.Featurization;

/// <summary>32-bit FNV-1a over UTF-8. Unlike string.GetHashCode it is the same in every process and on every
/// platform, which hashed features need.</summary>
public static class StableHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static uint Fnv1a(ReadOnlySpan<byte> bytes, uint hash = OffsetBasis)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    public static uint Fnv1a(ReadOnlySpan<char> text, uint hash = OffsetBasis)
    {
        Span<byte> buffer = stackalloc byte[256];
        while (!text.IsEmpty)
        {
            // Encode in chunks on the stack; never split a surrogate pair across chunks.
            var take = Math.Min(text.Length, buffer.Length / 4);
            if (take < text.Length && char.IsHighSurrogate(text[take - 1]))
            {
                take--;
            }

            var written = Encoding.UTF8.GetBytes(text[..take], buffer);
            hash = Fnv1a(buffer[..written], hash);
            text = text[take..];
        }

        return hash;
    }
}
