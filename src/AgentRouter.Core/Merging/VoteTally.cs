using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AgentRouter.Core.Merging;

/// <summary>Weight per option letter, kept in one small array of (letter, weight) pairs in first-vote order. A panel
/// votes on a handful of letters, so a linear scan beats hashing, and the tally itself is handed out as
/// <see cref="MergeResult.Votes"/>: one object and one short array per merge instead of a dictionary.</summary>
public sealed class VoteTally : IReadOnlyDictionary<string, double>
{
    private Vote[] _votes;
    private int _count;

    public VoteTally(int expectedLetters) => _votes = new Vote[Math.Max(expectedLetters, 1)];

    public int Count => _count;

    public double this[string key] => TryGetValue(key, out var weight) ? weight : throw new KeyNotFoundException($"No votes for '{key}'.");

    public IEnumerable<string> Keys => this.Select(vote => vote.Key);

    public IEnumerable<double> Values => this.Select(vote => vote.Value);

    /// <summary>The letter at <paramref name="index"/> in first-vote order.</summary>
    public string LetterAt(int index) => _votes[index].Letter;

    /// <summary>The weight at <paramref name="index"/> in first-vote order.</summary>
    public double WeightAt(int index) => _votes[index].Weight;

    /// <summary>Adds <paramref name="weight"/> to <paramref name="letter"/>, recording the letter on its first vote.</summary>
    public void Add(string letter, double weight)
    {
        var index = IndexOf(letter);
        if (index >= 0)
        {
            _votes[index].Weight += weight;
            return;
        }

        if (_count == _votes.Length)
        {
            Array.Resize(ref _votes, _count * 2);
        }

        _votes[_count] = new Vote(letter, weight);
        _count++;
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out double value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _votes[index].Weight : 0;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return new KeyValuePair<string, double>(_votes[i].Letter, _votes[i].Weight);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_votes[i].Letter, letter, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private struct Vote(string letter, double weight)
    {
        public readonly string Letter = letter;
        public double Weight = weight;
    }
}
