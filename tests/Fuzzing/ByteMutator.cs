namespace AgentRouter.Tests.Fuzzing;

/// <summary>Format-blind damage to any input: what a truncated download, a bad disk or a hostile client produces.</summary>
internal static class ByteMutator
{
    /// <summary>UTF-8 a decoder must refuse or replace: a broken two-byte sequence, a stray continuation byte, bytes
    /// that never occur, an over-long '/', an encoded surrogate, a truncated four-byte sequence.</summary>
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xC3, 0x28], [0x80], [0xFF], [0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0x00],
    ];

    public static (byte[] Bytes, string Step) Mutate(byte[] bytes, Random random)
    {
        if (bytes.Length == 0)
        {
            return ([(byte)random.Next(256)], "one random byte");
        }

        var at = random.Next(bytes.Length);
        switch (random.Next(7))
        {
            case 0:
                var flipped = (byte[])bytes.Clone();
                flipped[at] ^= (byte)(1 << random.Next(8));
                return (flipped, $"bit flip@{at}");
            case 1:
                return (bytes[..at], $"truncate@{at}");
            case 2:
                var bad = InvalidUtf8[random.Next(InvalidUtf8.Length)];
                return ([.. bytes.AsSpan(0, at), .. bad, .. bytes.AsSpan(at)], $"invalid utf-8 {Convert.ToHexString(bad)}@{at}");
            case 3:
                var length = 1 + random.Next(Math.Min(64, bytes.Length - at));
                return ([.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + length)], $"delete {length}@{at}");
            case 4:
                var chunk = 1 + random.Next(Math.Min(64, bytes.Length - at));
                return ([.. bytes.AsSpan(0, at + chunk), .. bytes.AsSpan(at, chunk), .. bytes.AsSpan(at + chunk)], $"repeat {chunk}@{at}");
            case 5:
                var noise = new byte[1 + random.Next(16)];
                random.NextBytes(noise);
                return ([.. bytes.AsSpan(0, at), .. noise, .. bytes.AsSpan(at)], $"insert {noise.Length} random bytes@{at}");
            default:
                var special = "\"{}[],:\\\n\r\0"[random.Next(11)];
                var replaced = (byte[])bytes.Clone();
                replaced[at] = (byte)special;
                return (replaced, $"byte@{at} := 0x{(int)special:X2}");
        }
    }
}
