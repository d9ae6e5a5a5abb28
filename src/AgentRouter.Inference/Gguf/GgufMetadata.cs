namespace AgentRouter.Inference.Gguf;

/// <summary>One typed metadata value of a GGUF file; arrays hold one element type.</summary>
public sealed record GgufValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public static GgufValue Of(string value) => new(GgufValueType.String, value);
    public static GgufValue Of(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Of(int value) => new(GgufValueType.Int32, value);
    public static GgufValue Of(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Of(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue Of(IReadOnlyList<string> values) => new(GgufValueType.Array, values, GgufValueType.String);
    public static GgufValue Of(IReadOnlyList<int> values) => new(GgufValueType.Array, values, GgufValueType.Int32);
    public static GgufValue Of(IReadOnlyList<float> values) => new(GgufValueType.Array, values, GgufValueType.Float32);
}

/// <summary>The key/value section of a GGUF file, in insertion order (llama.cpp does not care about order,
/// but a stable order makes exported files byte-for-byte reproducible).</summary>
public sealed class GgufMetadata
{
    private readonly List<KeyValuePair<string, GgufValue>> _entries = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    public IReadOnlyList<KeyValuePair<string, GgufValue>> Entries => _entries;

    public GgufMetadata Set(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!_keys.Add(key))
        {
            _entries.RemoveAll(entry => entry.Key == key);
        }
        _entries.Add(new KeyValuePair<string, GgufValue>(key, value));
        return this;
    }

    public GgufMetadata Set(string key, string value) => Set(key, GgufValue.Of(value));
    public GgufMetadata Set(string key, uint value) => Set(key, GgufValue.Of(value));
    public GgufMetadata Set(string key, int value) => Set(key, GgufValue.Of(value));
    public GgufMetadata Set(string key, float value) => Set(key, GgufValue.Of(value));
    public GgufMetadata Set(string key, bool value) => Set(key, GgufValue.Of(value));

    public bool TryGet(string key, out GgufValue value)
    {
        foreach (var entry in _entries)
        {
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }
        }
        value = null!;
        return false;
    }
}
