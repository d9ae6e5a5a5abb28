using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AgentRouter.Core.Merging;

/// <summary>Weight per option letter, kept in two small parallel arrays in first-vote order. A panel votes on
/// a handful of letters, so a linear scan beats hashing, and the tally itself is handed out as
/// <see cref="MergeResult.Votes"/>: one object and two short arrays per merge instead of a dictionary.</summary>
public sealed class VoteTally : IReadOnlyDictionary<string, double>
{
    private string[] _letters;
    private double[] _weights;
    private int _count;

    public VoteTally(int expectedLetters)
    {
        var capacity = Math.Max(expectedLetters, 1);
        _letters = new string[capacity];
        _weights = new double[capacity];
    }

    public int Count => _count;

    public double this[string key] => TryGetValue(key, out var weight) ? weight : throw new KeyNotFoundException($"No votes for '{key}'.");

    public IEnumerable<string> Keys => new ArraySegment<string>(_letters, 0, _count);

    public IEnumerable<double> Values => new ArraySegment<double>(_weights, 0, _count);

    /// <summary>The letter at <paramref name="index"/> in first-vote order.</summary>
    public string LetterAt(int index) => _letters[index];

    /// <summary>The weight at <paramref name="index"/> in first-vote order.</summary>
    public double WeightAt(int index) => _weights[index];

    /// <summary>Adds <paramref name="weight"/> to <paramref name="letter"/>, recording the letter on its first vote.</summary>
    public void Add(string letter, double weight)
    {
        var index = IndexOf(letter);
        if (index >= 0)
        {
            _weights[index] += weight;
            return;
        }

        if (_count == _letters.Length)
        {
            Array.Resize(ref _letters, _count * 2);
            Array.Resize(ref _weights, _count * 2);
        }

        _letters[_count] = letter;
        _weights[_count] = weight;
        _count++;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _weights[index] : 0;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return new KeyValuePair<string, double>(_letters[i], _weights[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_letters[i], letter, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
