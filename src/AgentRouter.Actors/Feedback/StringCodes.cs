namespace AgentRouter.Actors.Feedback;

/// <summary>A bounded table giving each distinct string a small code (null is -1), so that long-lived records
/// can hold ints instead of references to per-query string instances. The first instance seen is kept for
/// decoding. Once <c>capacity</c> distinct strings are known, new ones get no code and the caller keeps them
/// another way; the table never grows past its bound.</summary>
internal sealed class StringCodes(int capacity)
{
    public const int Null = -1;

    private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
    private readonly List<string> _values = [];

    public int Count => _values.Count;

    public bool TryEncode(string? value, out int code)
    {
        if (value is null)
        {
            code = Null;
            return true;
        }

        if (_codes.TryGetValue(value, out code))
        {
            return true;
        }

        if (_values.Count >= capacity)
        {
            code = Null;
            return false;
        }

        code = _values.Count;
        _values.Add(value);
        _codes.Add(value, code);
        return true;
    }

    public string? Decode(int code) => code == Null ? null : _values[code];
}
