namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>
/// GPT-2's reversible byte ↔ character map: printable Latin-1 bytes stand for themselves, the other 68 bytes
/// map to U+0100… in order, so every byte sequence is a string without spaces or control characters.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToCharTable = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByteTable = Enumerable.Range(0, 256).ToDictionary(value => ByteToCharTable[value], value => (byte)value);

    public static char ToChar(byte value) => ByteToCharTable[value];

    public static bool TryGetByte(char character, out byte value) => CharToByteTable.TryGetValue(character, out value);

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var characters = new char[bytes.Length];
        for (var index = 0; index < bytes.Length; index++)
        {
            characters[index] = ByteToCharTable[bytes[index]];
        }
        return new string(characters);
    }

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var assigned = new bool[256];
        foreach (var (first, last) in new[] { ('!', '~'), ('\u00A1', '\u00AC'), ('\u00AE', '\u00FF') })
        {
            for (var character = first; character <= last; character++)
            {
                table[character] = character;
                assigned[character] = true;
            }
        }
        var next = 0;
        for (var value = 0; value < 256; value++)
        {
            if (!assigned[value])
            {
                table[value] = (char)(256 + next++);
            }
        }
        return table;
    }
}
