namespace AgentRouter.Actors.Feedback;

/// <summary>A bounded table giving each distinct answer-option list (by content, ordinal) a small code (null is
/// -1). Callers usually pass the same list instance for every query, so the last list seen is checked by
/// reference first; a content-equal list from another caller maps to the same code and decodes to the first
/// instance seen.</summary>
internal sealed class OptionListCodes(int capacity)
{
    public const int Null = -1;

    private readonly Dictionary<IReadOnlyList<string>, int> _codes = new(OptionListComparer.Instance);
    private readonly List<IReadOnlyList<string>> _values = [];
    private IReadOnlyList<string>? _lastSeen;
    private int _lastCode;

    public bool TryEncode(IReadOnlyList<string>? options, out int code)
    {
        if (options is null)
        {
            code = Null;
            return true;
        }

        if (ReferenceEquals(options, _lastSeen))
        {
            code = _lastCode;
            return true;
        }

        if (!_codes.TryGetValue(options, out code))
        {
            if (_values.Count >= capacity)
            {
                code = Null;
                return false;
            }

            // A private copy: the table's key must not change if the caller's list does.
            IReadOnlyList<string> copy = [.. options];
            code = _values.Count;
            _values.Add(copy);
            _codes.Add(copy, code);
        }

        _lastSeen = options;
        _lastCode = code;
        return true;
    }

    public IReadOnlyList<string>? Decode(int code) => code == Null ? null : _values[code];

    private sealed class OptionListComparer : IEqualityComparer<IReadOnlyList<string>>
    {
        public static readonly OptionListComparer Instance = new();

        public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            if (x is null || y is null || x.Count != y.Count)
            {
                return false;
            }

            for (var i = 0; i < x.Count; i++)
            {
                if (!string.Equals(x[i], y[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(IReadOnlyList<string> list)
        {
            var hash = new HashCode();
            for (var i = 0; i < list.Count; i++)
            {
                hash.Add(list[i], StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }
}
