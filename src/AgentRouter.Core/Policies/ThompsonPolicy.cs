using System.Globalization;
using System.Runtime.CompilerServices;

namespace AgentRouter.Core.Policies;

/// <summary>Thompson sampling. While rewards are the raw quality (cost and latency weights zero) each arm has
/// a Beta(α0 + Σr, β0 + n − Σr) posterior (fractional qualities update it fractionally); otherwise rewards
/// are unbounded and each arm has a Gaussian posterior with known noise variance σ² and prior N(μ0, σ0²).
/// Untried arms go first, then the top k posterior samples.</summary>
/// <remarks>Parameters (defaults): priorAlpha 1, priorBeta 1, priorMean 0, priorVariance 1, noiseVariance
/// 0.25 (the largest variance of a [0,1] reward), plus the reward parameters of
/// <see cref="BanditPolicyBase"/>.</remarks>
public sealed class ThompsonPolicy : BanditPolicyBase
{
    private readonly double _priorAlpha;
    private readonly double _priorBeta;
    private readonly double _priorMean;
    private readonly double _priorPrecision;
    private readonly double _noisePrecision;
    private readonly bool _bernoulli;
    private double[] _cachedPulls = [];
    private double[] _cachedMean = [];
    private double[] _cachedAlpha = [];
    private double[] _cachedBeta = [];
    private int _cachedGeneration = -1;

    public ThompsonPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<ThompsonParameters>("thompson", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal ThompsonPolicy(PolicySettings settings, ThompsonParameters parameters)
        : base("thompson", settings, parameters.Reward)
    {
        _priorAlpha = parameters.PriorAlpha;
        _priorBeta = parameters.PriorBeta;
        _priorMean = parameters.PriorMean;
        _priorPrecision = 1 / parameters.PriorVariance;
        _noisePrecision = 1 / parameters.NoiseVariance;
        _bernoulli = Weights.QualityOnly;
        Rule = _bernoulli
            ? string.Create(CultureInfo.InvariantCulture,
                $"Thompson sampling, Beta-Bernoulli (prior Beta({_priorAlpha}, {_priorBeta})) on quality; untried arms first; panel = top-k samples")
            : string.Create(CultureInfo.InvariantCulture,
                $"Thompson sampling, Gaussian posterior (σ²={1 / _noisePrecision}) on reward = quality − {Weights.CostWeight}·cost/costRef − {Weights.LatencyWeightPerMs}·latencyMs; untried arms first; panel = top-k samples");
    }

    /// <summary>True when the arms have Beta posteriors (rewards are the raw quality).</summary>
    public bool IsBetaBernoulli => _bernoulli;

    protected override string Rule { get; }

    private protected override double Exploit(int slot) => PosteriorMean(Arms.Pulls[slot], Arms.RewardSum[slot]);

    private double PosteriorMean(double pulls, double sum) => _bernoulli
        ? (_priorAlpha + sum) / (_priorAlpha + _priorBeta + pulls)
        : (_priorMean * _priorPrecision + sum * _noisePrecision) / (_priorPrecision + pulls * _noisePrecision);

    /// <summary><see cref="Exploit"/> for every observed arm, from a per-arm cache of the posterior (its mean and, for Beta
    /// posteriors, its two shapes) that is recomputed only for arms observed since the last decision: a decision then
    /// reads 16 arms' posteriors instead of dividing 16 times. Same arithmetic when recomputed, so the same bits.</summary>
    private protected override int ExploitObserved(ReadOnlySpan<int> slots, Span<double> exploit)
    {
        var pulls = Arms.Pulls;
        var sums = Arms.RewardSum;
        if (_cachedGeneration != Arms.Generation || _cachedPulls.Length < pulls.Length)
        {
            ResetCache(pulls.Length);
        }

        var observed = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            var n = pulls[slot];
            if (n != 0)
            {
                if (_cachedPulls[slot] != n)
                {
                    var sum = sums[slot];
                    _cachedMean[slot] = PosteriorMean(n, sum);
                    _cachedAlpha[slot] = _priorAlpha + sum;
                    _cachedBeta[slot] = _priorBeta + Math.Max(n - sum, 0);
                    _cachedPulls[slot] = n;
                }

                exploit[i] = _cachedMean[slot];
                observed++;
            }
        }

        return observed;
    }

    private void ResetCache(int slots)
    {
        _cachedPulls = new double[slots];
        _cachedPulls.AsSpan().Fill(double.NaN); // never equal to a pull count: every arm is recomputed
        _cachedMean = new double[slots];
        _cachedAlpha = new double[slots];
        _cachedBeta = new double[slots];
        _cachedGeneration = Arms.Generation;
    }

    private protected override double Explore(int slot, double exploit)
    {
        var pulls = Arms.Pulls[slot];
        if (_bernoulli)
        {
            var successes = Arms.RewardSum[slot];
            var sample = Random.NextBeta(_priorAlpha + successes, _priorBeta + Math.Max(pulls - successes, 0));
            return sample - exploit;
        }

        var precision = _priorPrecision + pulls * _noisePrecision;
        return Random.NextGaussian() / Math.Sqrt(precision);
    }

    /// <summary>Beta posteriors: every observed arm's sample in one <see cref="DeterministicRandom.NextBetas"/> batch (the
    /// same draws, in the same order, as one <see cref="Explore"/> per arm, at a fraction of the cost).</summary>
    [SkipLocalsInit] // the scratch is written before it is read
    private protected override void ExploreObserved(ReadOnlySpan<int> slots, ReadOnlySpan<double> exploit, Span<double> explore)
    {
        if (!_bernoulli)
        {
            base.ExploreObserved(slots, exploit, explore);
            return;
        }

        var count = slots.Length;
        Span<double> buffer = count <= PanelSelection.StackLimit ? stackalloc double[3 * count] : new double[3 * count];
        var alpha = buffer[..count];
        var beta = buffer.Slice(count, count);
        var sample = buffer.Slice(2 * count, count);
        // The shapes come from the cache ExploitObserved has just brought up to date for these slots (Decide calls it first).
        var pulls = Arms.Pulls;
        var observed = 0;
        for (var i = 0; i < count; i++)
        {
            var slot = slots[i];
            if (pulls[slot] != 0)
            {
                alpha[observed] = _cachedAlpha[slot];
                beta[observed] = _cachedBeta[slot];
                observed++;
            }
        }

        Random.NextBetas(alpha[..observed], beta[..observed], sample[..observed]);
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            if (pulls[slots[i]] != 0)
            {
                explore[i] = sample[next++] - exploit[i];
            }
        }
    }
}
