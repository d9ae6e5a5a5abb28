namespace AgentRouter.Actors.Feedback;

/// <summary>A fixed number of slots, each holding one query id. Ids of up to <see cref="InlineLength"/> ASCII
/// characters (sequence numbers, "q-" + a GUID, "chatcmpl-" + a GUID) are copied into one flat byte array, so a
/// slot keeps no reference to the caller's string and the string dies young; longer or non-ASCII ids are kept
/// by reference. The arrays are allocated once: writing a slot allocates nothing.</summary>
internal sealed class QueryIdSlab
{
    public const int InlineLength = 48;
    private const byte Empty = 0xFF;
    private const byte ByReference = 0xFE;

    private readonly byte[] _ascii;
    private readonly byte[] _length;
    private readonly int[] _hash;
    private readonly string?[] _byReference;

    public QueryIdSlab(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _ascii = new byte[slots * InlineLength];
        _length = new byte[slots];
        _hash = new int[slots];
        _byReference = new string?[slots];
        Array.Fill(_length, Empty);
    }

    public int Slots => _length.Length;

    /// <summary>The hash every slab and index uses for an id (randomised per process, never persisted).</summary>
    public static int Hash(ReadOnlySpan<char> id) => string.GetHashCode(id, StringComparison.Ordinal);

    public int HashAt(int slot) => _hash[slot];

    public void Set(int slot, string id, int hash)
    {
        _hash[slot] = hash;
        if (id.Length <= InlineLength && System.Text.Ascii.IsValid(id))
        {
            System.Text.Ascii.FromUtf16(id, _ascii.AsSpan(slot * InlineLength, id.Length), out _);
            _length[slot] = (byte)id.Length;
            _byReference[slot] = null;
        }
        else
        {
            _length[slot] = ByReference;
            _byReference[slot] = id;
        }
    }

    /// <summary>Copies the id in <paramref name="slot"/> into a slot of another slab of the same layout.</summary>
    public void CopyTo(int slot, QueryIdSlab target, int targetSlot)
    {
        var length = _length[slot];
        target._hash[targetSlot] = _hash[slot];
        target._length[targetSlot] = length;
        target._byReference[targetSlot] = _byReference[slot];
        if (length <= InlineLength)
        {
            _ascii.AsSpan(slot * InlineLength, length).CopyTo(target._ascii.AsSpan(targetSlot * InlineLength));
        }
    }

    public void Clear(int slot)
    {
        _length[slot] = Empty;
        _byReference[slot] = null;
    }

    public bool Matches(int slot, ReadOnlySpan<char> id, int hash)
    {
        if (_hash[slot] != hash)
        {
            return false;
        }

        var length = _length[slot];
        if (length == ByReference)
        {
            return id.SequenceEqual(_byReference[slot]);
        }

        return length == id.Length && System.Text.Ascii.Equals(_ascii.AsSpan(slot * InlineLength, length), id);
    }

    /// <summary>Copies the id of an occupied slot into a new string (for messages, not on the query path).</summary>
    public string IdAt(int slot)
    {
        var length = _length[slot];
        return length switch
        {
            Empty => throw new InvalidOperationException($"slot {slot} holds no id"),
            ByReference => _byReference[slot]!,
            _ => System.Text.Encoding.ASCII.GetString(_ascii, slot * InlineLength, length),
        };
    }
}
