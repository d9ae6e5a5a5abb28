using System.Globalization;
using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>ORCH variant that ranks candidates lexicographically on their EMAs: higher quality first, then
/// lower latency, lower cost, higher stability, then candidate order. Same parameters as the EMA estimates
/// of <see cref="EmaPolicy"/> (alpha, perTaskType, cold-start values); no weights, so
/// <see cref="PolicySettings.CostWeight"/> does not apply.</summary>
public sealed class EmaLexicographicPolicy : RoutingPolicyBase
{
    private readonly EmaEstimates _estimates;
    private readonly string _rule;

    public EmaLexicographicPolicy(PolicySettings settings)
        : this(settings, PolicyCatalog.ParametersOf<EmaEstimateParameters>("ema-lex", settings))
    {
    }

    /// <summary>From parameters already read and checked; <paramref name="settings"/> gives the seed and the cost-weight
    /// override (its JSON parameters are not read).</summary>
    internal EmaLexicographicPolicy(PolicySettings settings, EmaEstimateParameters parameters)
        : base("ema-lex")
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parameters);
        _estimates = new EmaEstimates(Name, parameters);
        _rule = string.Create(CultureInfo.InvariantCulture,
            $"lexicographic over EMAs (α={_estimates.Alpha}): highest quality, then lowest latency, lowest cost, highest stability, then candidate order; score = quality EMA");
    }

    private protected override void Decide(Query query, IReadOnlyList<Candidate> candidates, int panelSize, DecisionBuffer decision)
    {
        var count = candidates.Count;
        var slots = _estimates.Resolve(candidates, out _);
        Span<double> buffer = count <= 64 ? stackalloc double[4 * count] : new double[4 * count];
        var quality = buffer[..count];
        var latency = buffer.Slice(count, count);
        var cost = buffer.Slice(2 * count, count);
        var stability = buffer.Slice(3 * count, count);
        _estimates.Fill(query, slots, quality, latency, cost, stability);

        var scores = decision.Start(count, panelSize, _rule, out var panel);
        for (var i = 0; i < count; i++)
        {
            scores[i] = new CandidateScore(candidates[i].Name, quality[i], quality[i], 0);
        }

        Span<bool> taken = count <= PanelSelection.StackLimit ? stackalloc bool[count] : new bool[count];
        for (var pick = 0; pick < panel.Length; pick++)
        {
            var best = -1;
            for (var i = 0; i < count; i++)
            {
                if (!taken[i] && (best < 0 || Precedes(i, best, quality, latency, cost, stability)))
                {
                    best = i;
                }
            }

            taken[best] = true;
            panel[pick] = best;
        }
    }

    private static bool Precedes(int a, int b, ReadOnlySpan<double> quality, ReadOnlySpan<double> latency,
        ReadOnlySpan<double> cost, ReadOnlySpan<double> stability)
    {
        if (quality[a] != quality[b])
        {
            return quality[a] > quality[b];
        }

        if (latency[a] != latency[b])
        {
            return latency[a] < latency[b];
        }

        if (cost[a] != cost[b])
        {
            return cost[a] < cost[b];
        }

        return stability[a] > stability[b];
    }

    public override void Observe(Query query, AgentOutcome outcome) => _estimates.Observe(query, outcome);

    public override JsonObject Snapshot() => _estimates.Snapshot();

    public override void Restore(JsonObject state) => _estimates.Restore(state);
}
