using System.Collections.Concurrent;

namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>
/// The BPE model of a tokenizer.json: merges applied one at a time, lowest rank first and leftmost among
/// equal ranks (as the reference's priority queue does), over symbols that start as single characters.
/// </summary>
internal sealed class BytePairModel
{
    private const int CacheLimit = 100_000;

    private readonly IReadOnlyDictionary<string, int> _vocabulary;
    private readonly Dictionary<long, (int Rank, int MergedId)> _merges;
    private readonly bool _ignoreMerges;
    private readonly int? _unknownId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    public BytePairModel(IReadOnlyDictionary<string, int> vocabulary, Dictionary<long, (int Rank, int MergedId)> merges, bool ignoreMerges, int? unknownId)
    {
        _vocabulary = vocabulary;
        _merges = merges;
        _ignoreMerges = ignoreMerges;
        _unknownId = unknownId;
    }

    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    public void Encode(string word, List<int> output)
    {
        if (word.Length == 0)
        {
            return;
        }
        if (_ignoreMerges && _vocabulary.TryGetValue(word, out var whole))
        {
            output.Add(whole);
            return;
        }
        if (!_cache.TryGetValue(word, out var ids))
        {
            ids = Merge(word);
            if (_cache.Count >= CacheLimit)
            {
                _cache.Clear();
            }
            _cache[word] = ids;
        }
        output.AddRange(ids);
    }

    private int[] Merge(string word)
    {
        var symbols = new List<int>(word.Length);
        for (var index = 0; index < word.Length; index++)
        {
            var length = char.IsHighSurrogate(word[index]) && index + 1 < word.Length && char.IsLowSurrogate(word[index + 1]) ? 2 : 1;
            symbols.Add(_vocabulary.TryGetValue(word.Substring(index, length), out var id) ? id : -1);
            index += length - 1;
        }
        var count = symbols.Count;
        var ids = symbols.ToArray();
        var next = new int[count];
        var previous = new int[count];
        var alive = new bool[count];
        var queue = new PriorityQueue<(int Position, int Left, int Right), (int Rank, int Position)>();
        for (var position = 0; position < count; position++)
        {
            next[position] = position + 1 < count ? position + 1 : -1;
            previous[position] = position - 1;
            alive[position] = true;
        }
        void Offer(int position)
        {
            var right = next[position];
            if (right >= 0 && ids[position] >= 0 && ids[right] >= 0 && _merges.TryGetValue(PairKey(ids[position], ids[right]), out var merge))
            {
                queue.Enqueue((position, ids[position], ids[right]), (merge.Rank, position));
            }
        }
        for (var position = 0; position + 1 < count; position++)
        {
            Offer(position);
        }
        while (queue.TryDequeue(out var candidate, out _))
        {
            var (position, left, rightId) = candidate;
            var right = next[position];
            if (!alive[position] || right < 0 || ids[position] != left || ids[right] != rightId)
            {
                continue;
            }
            ids[position] = _merges[PairKey(left, rightId)].MergedId;
            alive[right] = false;
            next[position] = next[right];
            if (next[right] >= 0)
            {
                previous[next[right]] = position;
            }
            if (previous[position] >= 0)
            {
                Offer(previous[position]);
            }
            Offer(position);
        }
        var result = new List<int>(count);
        for (var position = 0; position >= 0 && position < count; position = next[position])
        {
            if (ids[position] >= 0)
            {
                result.Add(ids[position]);
            }
            else if (_unknownId is int unknown)
            {
                result.Add(unknown);
            }
            else
            {
                throw new InvalidOperationException($"'{word}' has a symbol outside the vocabulary and the tokenizer defines no unk_token");
            }
        }
        return result.ToArray();
    }
}
