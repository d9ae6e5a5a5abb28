using System.Globalization;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>UCB1 (Auer et al. 2002): untried arms first, then the arm maximising
/// <c>mean + c·√(2 ln n / n_i)</c>, n = observations over all arms. Parameters: c (default 1) plus the
/// reward parameters of <see cref="BanditPolicyBase"/>.</summary>
public sealed class Ucb1Policy : BanditPolicyBase
{
    private readonly double _explorationScale;
    private double _logTotalFor = -1;
    private double _logTotal;

    public Ucb1Policy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<Ucb1Parameters>("ucb1", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal Ucb1Policy(PolicySettings settings, Ucb1Parameters parameters)
        : base("ucb1", settings, parameters.Reward)
    {
        _explorationScale = parameters.ExplorationScale;
        Rule = string.Create(CultureInfo.InvariantCulture,
            $"UCB1: index = mean reward + {_explorationScale}·sqrt(2 ln n / n_i), untried arms first; reward = quality − {Weights.CostWeight}·cost/costRef − {Weights.LatencyWeightPerMs}·latencyMs; panel = top-k by index");
    }

    protected override string Rule { get; }

    private protected override double Exploit(int slot) => Arms.Mean(slot);

    private protected override double Explore(int slot, double exploit)
    {
        var total = Arms.TotalPulls;
        if (total != _logTotalFor)
        {
            _logTotal = Math.Log(total);
            _logTotalFor = total;
        }

        return Bonus(_explorationScale, _logTotal, Arms.Pulls[slot]);
    }

    /// <summary>The UCB1 exploration bonus c·√(2 ln n / n_i) given ln n.</summary>
    public static double Bonus(double c, double logTotalPulls, double armPulls) =>
        c * Math.Sqrt(2 * logTotalPulls / armPulls);
}
