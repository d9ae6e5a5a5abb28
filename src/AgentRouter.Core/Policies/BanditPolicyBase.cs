using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>What the context-free bandits (UCB1, Thompson, ε-greedy) share: one arm per agent, rewards from
/// <see cref="RewardWeights"/>, a seeded generator, and a panel of the k best indices.</summary>
/// <remarks>Shared parameters: costWeight (λ_cost, default 0; <see cref="PolicySettings.CostWeight"/>
/// overrides), latencyWeight (λ_lat per ms, default 0), costRef (cost scale; default the candidates' mean
/// expected per-call cost, see <see cref="CostReference"/>).</remarks>
public abstract class BanditPolicyBase : RoutingPolicyBase
{
    /// <summary>The index of an arm never observed: above any real index, so untried arms go first (in
    /// candidate order). Finite so that decisions stay serialisable.</summary>
    public const double UntriedIndex = 1e9;

    private readonly AgentRegistry _registry = new();
    private readonly double? _fixedCostRef;
    private readonly int _seed;
    private double _costRef = 1;

    private protected BanditPolicyBase(string name, PolicySettings settings, RewardParameters reward)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(reward);
        _seed = settings.Seed;
        Random = new DeterministicRandom(settings.Seed);
        Weights = reward.Weights(name, settings);
        _fixedCostRef = reward.CostRef;
        _costRef = _fixedCostRef ?? 1;
    }

    public RewardWeights Weights { get; }

    private protected ArmStatistics Arms { get; } = new();

    private protected DeterministicRandom Random { get; }

    /// <summary>Decisions made so far (ε-greedy's t).</summary>
    private protected long Decisions { get; private set; }

    protected abstract string Rule { get; }

    /// <remarks>Its stack scratch is not zeroed first (every entry read was written in this call: exploit and explore
    /// only for observed arms, and read only for them).</remarks>
    [SkipLocalsInit]
    private protected sealed override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var count = candidates.Count;
        var slots = _registry.Resolve(candidates, out var changed);
        Arms.EnsureCapacity(_registry.Count);
        if (changed)
        {
            _costRef = _fixedCostRef ?? CostReference.MeanExpectedCost(candidates);
        }

        Span<double> buffer = count <= PanelSelection.StackLimit ? stackalloc double[3 * count] : new double[3 * count];
        var index = buffer[..count];
        var exploit = buffer.Slice(count, count);
        var explore = buffer.Slice(2 * count, count);
        if (ExploitObserved(slots, exploit) > 0)
        {
            ExploreObserved(slots, exploit, explore);
        }

        var scores = decision.Start(count, panelSize, Rule, out var panel);
        var pulls = Arms.Pulls;
        for (var i = 0; i < count; i++)
        {
            // The registry's name is the candidate's (slots were resolved by name), read without an interface call.
            var slot = slots[i];
            if (pulls[slot] == 0)
            {
                index[i] = UntriedIndex;
                scores[i] = new CandidateScore(_registry.NameOf(slot), UntriedIndex, 0, UntriedIndex);
            }
            else
            {
                index[i] = exploit[i] + explore[i];
                scores[i] = new CandidateScore(_registry.NameOf(slot), index[i], exploit[i], explore[i]);
            }
        }

        ChoosePanel(index, panel);
        Decisions++;
    }

    public sealed override void Observe(Query query, AgentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var slot = _registry.GetOrAdd(outcome.Agent);
        Arms.Add(slot, Weights.Reward(outcome, _costRef));
    }

    /// <summary>The learned value of an observed arm (its posterior or empirical mean).</summary>
    private protected abstract double Exploit(int slot);

    /// <summary>Fills <paramref name="exploit"/> for every observed arm (pulls above 0), in candidate order, and returns how
    /// many there are; entries of untried arms are left alone. One virtual call per decision rather than one per arm
    /// (<see cref="Decide"/> uses stack scratch, so it is compiled without the profile that would devirtualise
    /// <see cref="Exploit"/>); a policy may override it with the same values computed in one loop.</summary>
    private protected virtual int ExploitObserved(ReadOnlySpan<int> slots, Span<double> exploit)
    {
        var observed = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            if (Arms.Pulls[slot] != 0)
            {
                exploit[i] = Exploit(slot);
                observed++;
            }
        }

        return observed;
    }

    /// <summary>The exploration part added to <paramref name="exploit"/> (bonus or sampled deviation).</summary>
    private protected abstract double Explore(int slot, double exploit);

    /// <summary>Fills <paramref name="explore"/> for every observed arm (pulls above 0), in candidate order, from its
    /// <paramref name="exploit"/> value; entries of untried arms are left alone. By default one <see cref="Explore"/>
    /// per arm; a policy that draws random numbers may draw them as a batch, in the same order.</summary>
    private protected virtual void ExploreObserved(ReadOnlySpan<int> slots, ReadOnlySpan<double> exploit, Span<double> explore)
    {
        for (var i = 0; i < slots.Length; i++)
        {
            if (Arms.Pulls[slots[i]] != 0)
            {
                explore[i] = Explore(slots[i], exploit[i]);
            }
        }
    }

    /// <summary>Fills <paramref name="panel"/> with candidate indices, best first (by default the top indices).</summary>
    private protected virtual void ChoosePanel(ReadOnlySpan<double> index, Span<int> panel) => PanelSelection.TopK(index, panel);

    public sealed override JsonObject Snapshot()
    {
        var state = PolicyState.Header(Name);
        var agents = _registry.Names();
        state["seed"] = _seed;
        state["agents"] = PolicyState.Strings(agents);
        Arms.WriteTo(state, agents.Length);
        state["decisions"] = Decisions;
        state["costRef"] = _costRef;
        state["random"] = Random.ToJson();
        return state;
    }

    public sealed override void Restore(JsonObject state)
    {
        PolicyState.CheckPolicy(state, Name);
        var agents = PolicyState.ReadStrings(state, "agents");
        _registry.ReplaceWith(agents);

        Arms.ReadFrom(state, agents.Length);
        Decisions = PolicyState.Required<long>(state, "decisions");
        _costRef = PolicyState.Required<double>(state, "costRef");
        Random.Restore(state["random"]);
    }
}
