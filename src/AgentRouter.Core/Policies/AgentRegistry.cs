using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>Gives every agent a dense slot number so that per-agent state lives in arrays. The slots of the
/// last candidate list are cached and re-checked by profile reference, so a decision over an unchanged
/// candidate set costs no dictionary lookups.</summary>
internal sealed class AgentRegistry
{
    /// <summary>How many of the last candidates <see cref="GetOrAdd"/> compares by reference before hashing.</summary>
    private const int ReferenceScanLimit = 32;

    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private AgentProfile?[] _cachedProfiles = [];
    private int[] _cachedSlots = [];
    private int _cachedCount = -1;

    public int Count => _names.Count;

    public string NameOf(int slot) => _names[slot];

    /// <summary>Every agent's name, by slot (a copy: for snapshots).</summary>
    public string[] Names() => [.. _names];

    public int GetOrAdd(string name)
    {
        // Feedback names the agent with the profile's own name string almost always (a replay, a router relaying the
        // agent's reply): finding that reference among the last candidates skips hashing the name.
        var cached = Math.Min(_cachedCount, ReferenceScanLimit);
        for (var i = 0; i < cached; i++)
        {
            if (ReferenceEquals(_cachedProfiles[i]!.Name, name))
            {
                return _cachedSlots[i];
            }
        }

        if (_slots.TryGetValue(name, out var slot))
        {
            return slot;
        }

        slot = _names.Count;
        _slots.Add(name, slot);
        _names.Add(name);
        return slot;
    }

    public bool TryGet(string name, out int slot) => _slots.TryGetValue(name, out slot);

    /// <summary>The slot of each candidate, in candidate order. <paramref name="changed"/> says whether the
    /// candidate set differs from the previous call (policies recompute derived values such as the cost
    /// reference only then).</summary>
    public ReadOnlySpan<int> Resolve(IReadOnlyList<Candidate> candidates, out bool changed)
    {
        var count = candidates.Count;
        changed = count != _cachedCount;
        if (!changed)
        {
            for (var i = 0; i < count; i++)
            {
                if (!ReferenceEquals(candidates[i].Profile, _cachedProfiles[i]))
                {
                    changed = true;
                    break;
                }
            }
        }

        if (changed)
        {
            _cachedCount = -1; // GetOrAdd below must not read the entries being replaced
            if (_cachedSlots.Length < count)
            {
                _cachedSlots = new int[count];
                _cachedProfiles = new AgentProfile?[count];
            }

            for (var i = 0; i < count; i++)
            {
                var profile = candidates[i].Profile;
                _cachedProfiles[i] = profile;
                _cachedSlots[i] = GetOrAdd(profile.Name);
            }

            _cachedCount = count;
        }

        return _cachedSlots.AsSpan(0, count);
    }

    public void Clear()
    {
        _slots.Clear();
        _names.Clear();
        _cachedCount = -1;
    }

    /// <summary>Forgets every agent, then gives <paramref name="names"/> slots 0, 1, … in order (snapshot restore).</summary>
    public void ReplaceWith(IEnumerable<string> names)
    {
        Clear();
        foreach (var name in names)
        {
            GetOrAdd(name);
        }
    }
}
