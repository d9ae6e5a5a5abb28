using System.Globalization;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>ε-greedy with a decaying exploration rate ε_t = max(ε_min, ε0·decay^t), t = decisions so far.
/// With probability ε_t the panel is uniformly random; otherwise it is the top k empirical means, untried
/// arms first.</summary>
/// <remarks>Parameters (defaults): epsilon0 0.1 (a common textbook rate), decay 0.999 per decision (ε halves
/// about every 700 decisions), epsilonMin 0.01 (keeps a floor of exploration for non-stationary agents),
/// plus the reward parameters of <see cref="BanditPolicyBase"/>.</remarks>
public sealed class EpsilonGreedyPolicy : BanditPolicyBase
{
    private readonly double _epsilon0;
    private readonly double _decay;
    private readonly double _epsilonMin;

    public EpsilonGreedyPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<EpsilonGreedyParameters>("epsilon", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal EpsilonGreedyPolicy(PolicySettings settings, EpsilonGreedyParameters parameters)
        : base("epsilon", settings, parameters.Reward)
    {
        _epsilon0 = parameters.Epsilon0;
        _decay = parameters.Decay;
        _epsilonMin = parameters.EpsilonMin;
        Rule = string.Create(CultureInfo.InvariantCulture,
            $"ε-greedy: with probability max({_epsilonMin}, {_epsilon0}·{_decay}^t) a random panel, else top-k mean reward (untried first); reward = quality − {Weights.CostWeight}·cost/costRef − {Weights.LatencyWeightPerMs}·latencyMs");
    }

    protected override string Rule { get; }

    /// <summary>The exploration rate for the next decision.</summary>
    public double CurrentEpsilon => EpsilonAt(Decisions);

    public double EpsilonAt(long decisions) => Math.Max(_epsilonMin, _epsilon0 * Math.Pow(_decay, decisions));

    private protected override double Exploit(int slot) => Arms.Mean(slot);

    private protected override double Explore(int slot, double exploit) => 0;

    private protected override void ChoosePanel(ReadOnlySpan<double> index, Span<int> panel)
    {
        if (Random.NextDouble() >= CurrentEpsilon)
        {
            PanelSelection.TopK(index, panel);
            return;
        }

        var count = index.Length;
        Span<int> order = count <= PanelSelection.StackLimit ? stackalloc int[count] : new int[count];
        PanelSelection.RandomOrder(order, panel.Length, Random);
        order[..panel.Length].CopyTo(panel);
    }
}
