using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Replay;

/// <summary>
/// The workload laid out in the engine's replay order, for its per-query loop. The items are visited in a seeded
/// shuffle, so reading them directly costs a cache miss per object per query (item, query, candidate array, answers)
/// once the workload outgrows the CPU caches: profiled at 100,000 queries, that memory traffic was most of a replayed
/// query's time for the cheaper policies. Here, what the loop reads per step lies in arrays indexed by step (read in
/// sequence, so the hardware prefetcher streams them), the queries are copies allocated in replay order (adjacent in
/// memory), and items offering the same agents share one candidate array, which stays in cache.
/// </summary>
internal sealed class ReplayTimeline
{
    private readonly AgentOutcome?[] _outcomes;

    public ReplayTimeline(ReplayWorkload workload, int[] order)
    {
        var steps = order.Length;
        Items = new ReplayItem[steps];
        Queries = new Query[steps];
        Candidates = new IReadOnlyList<Candidate>[steps];
        Oracle = new double[steps];
        Start = new int[steps + 1];
        var slots = 0;
        for (var step = 0; step < steps; step++)
        {
            Items[step] = workload.Items[order[step]];
            slots += Items[step].CandidateAgents.Count;
        }

        Agents = new int[slots];
        Quality = new double[slots];
        Cost = new double[slots];
        _outcomes = new AgentOutcome?[slots];
        var shared = new SharedCandidates(workload.Agents);
        var offset = 0;
        for (var step = 0; step < steps; step++)
        {
            var item = Items[step];
            // A copy (records are immutable and compared by value; features and options stay shared): allocated here
            // in replay order, consecutive queries are neighbours in memory.
            Queries[step] = item.Query with { };
            Candidates[step] = shared.For(item);
            Oracle[step] = item.OracleQuality;
            Start[step] = offset;
            foreach (var agent in item.CandidateAgents)
            {
                var answer = item.AnswerOf(agent)!.Value;
                Agents[offset] = agent;
                Quality[offset] = answer.Quality;
                Cost[offset] = answer.Cost;
                offset++;
            }
        }

        Start[steps] = offset;
    }

    /// <summary>The item replayed at each step (for baselines and panels that are merged).</summary>
    public ReplayItem[] Items { get; }

    /// <summary>The query of each step, as the policies see it.</summary>
    public Query[] Queries { get; }

    /// <summary>The candidates offered at each step (equal to the item's).</summary>
    public IReadOnlyList<Candidate>[] Candidates { get; }

    /// <summary>Best recorded quality among each step's candidates.</summary>
    public double[] Oracle { get; }

    /// <summary>Where each step's candidates start in <see cref="Agents"/>, <see cref="Quality"/> and <see cref="Cost"/>
    /// (one entry per candidate, in candidate order); <c>Start[steps]</c> is the total.</summary>
    public int[] Start { get; }

    /// <summary>Workload agent index of each step's candidates.</summary>
    public int[] Agents { get; }

    /// <summary>Recorded quality of each step's candidates.</summary>
    public double[] Quality { get; }

    /// <summary>Recorded cost of each step's candidates.</summary>
    public double[] Cost { get; }

    /// <summary>The feedback for candidate <paramref name="candidate"/> at <paramref name="step"/>: the item's shared outcome
    /// object (<see cref="ReplayItem.OutcomeOf"/>), looked up there once.</summary>
    public AgentOutcome OutcomeOf(int step, int candidate)
    {
        var slot = Start[step] + candidate;
        return _outcomes[slot] ??= Items[step].OutcomeOf(Agents[slot], Candidates[step][candidate].Name);
    }

    /// <summary>One candidate array per distinct set of offered agents, when it equals the item's own candidates
    /// entry for entry (same profile object, load and residency); otherwise the item's own.</summary>
    private sealed class SharedCandidates(IReadOnlyList<AgentProfile> agents)
    {
        private readonly Dictionary<string, Candidate[]> _bySet = new(StringComparer.Ordinal);

        public IReadOnlyList<Candidate> For(ReplayItem item)
        {
            var indices = item.CandidateAgents;
            if (indices.Count == 0)
            {
                return item.Candidates;
            }

            var key = string.Join(',', indices);
            if (!_bySet.TryGetValue(key, out var shared))
            {
                shared = new Candidate[indices.Count];
                for (var k = 0; k < shared.Length; k++)
                {
                    shared[k] = new Candidate(agents[indices[k]]);
                }

                _bySet.Add(key, shared);
            }

            var own = item.Candidates;
            for (var k = 0; k < shared.Length; k++)
            {
                var candidate = own[k];
                if (!ReferenceEquals(candidate.Profile, shared[k].Profile) || candidate.Load != shared[k].Load || candidate.Resident != shared[k].Resident)
                {
                    return own;
                }
            }

            return shared;
        }
    }
}
