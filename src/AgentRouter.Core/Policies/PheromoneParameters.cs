namespace AgentRouter.Core.Policies;

/// <summary><c>pheromone</c>'s parameters; names, defaults and meaning in <see cref="PheromonePolicy"/>'s remarks.
/// CostEpsilon null: the candidates' mean expected cost.</summary>
public sealed record PheromoneParameters : PolicyParameters
{
    /// <summary>Exponents of τ and η: beyond ~20 every score is 0 or overflows, which ranks nothing.</summary>
    public const double MaxExponent = 20;

    public double Alpha { get; init; } = 1;
    public double Beta { get; init; } = 2;
    public double Q0 { get; init; } = 0.9;
    public double Rho { get; init; } = 0.1;
    public double DepositQ { get; init; } = 1;
    public double Tau0 { get; init; } = 1;
    public double TauMin { get; init; } = 0.01;
    public double TauMax { get; init; } = 10;
    public double Threshold { get; init; } = 0.5;
    public double AbilityWeight { get; init; } = 1;
    public double LoadWeight { get; init; } = 0.5;
    public double LatencyWeight { get; init; } = 0.5;
    public double CostExponent { get; init; } = 1;
    public double? CostEpsilon { get; init; }
    public int Clusters { get; init; } = 8;
    public double ClusterTemperature { get; init; } = 0.1;
    public double ClusterSpawnDistance { get; init; } = 0.5;
    public bool SynchronousUpdates { get; init; } = true;
    public int MaxTaskTypes { get; init; } = TaskTypeLimit.DefaultMaxTaskTypes;
    public bool AbilityPerTaskType { get; init; }

    internal static PheromoneParameters Read(ParameterReader p)
    {
        var alpha = p.Double("alpha", 1, 0, MaxExponent);
        var beta = p.Double("beta", 2, 0, MaxExponent);
        var q0 = p.Double("q0", 0.9, 0, 1);
        var rho = p.Double("rho", 0.1, 0, 1);
        var depositQ = p.Double("depositQ", 1, 0);
        var tau0 = p.Double("tau0", 1, 0, minExclusive: true);
        var tauMin = p.Double("tauMin", 0.01, 0, minExclusive: true);
        var tauMax = p.Double("tauMax", 10, tauMin);
        if (tau0 < tauMin || tau0 > tauMax)
        {
            throw new ArgumentException($"Policy 'pheromone': parameter 'tau0' must lie in [tauMin, tauMax] = [{tauMin}, {tauMax}], got {tau0}.", "tau0");
        }

        var threshold = p.Double("threshold", 0.5);
        var abilityWeight = p.Double("abilityWeight", 1, 0);
        var loadWeight = p.Double("loadWeight", 0.5, 0);
        var latencyWeight = p.Double("latencyWeight", 0.5, 0);
        if (abilityWeight + loadWeight + latencyWeight <= 0)
        {
            throw new ArgumentException("Policy 'pheromone': at least one of abilityWeight, loadWeight, latencyWeight must be positive.", "abilityWeight");
        }

        return new PheromoneParameters
        {
            Alpha = alpha,
            Beta = beta,
            Q0 = q0,
            Rho = rho,
            DepositQ = depositQ,
            Tau0 = tau0,
            TauMin = tauMin,
            TauMax = tauMax,
            Threshold = threshold,
            AbilityWeight = abilityWeight,
            LoadWeight = loadWeight,
            LatencyWeight = latencyWeight,
            CostExponent = p.Double("costExponent", 1, 0),
            CostEpsilon = p.OptionalDouble("costEpsilon", 0, minExclusive: true),
            Clusters = p.Int("clusters", 8, 1, 1024),
            ClusterTemperature = p.Double("clusterTemperature", 0.1, 0, minExclusive: true),
            ClusterSpawnDistance = p.Double("clusterSpawnDistance", 0.5, 0),
            SynchronousUpdates = p.Bool("synchronousUpdates", true),
            MaxTaskTypes = p.Int("maxTaskTypes", TaskTypeLimit.DefaultMaxTaskTypes, 1, 1_000_000),
            AbilityPerTaskType = p.Bool("abilityPerTaskType", false),
        };
    }
}
