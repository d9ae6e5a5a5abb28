using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary><c>contextual</c>'s parameters (see <see cref="ContextualBanditPolicy"/>): routerFile (null: cold start),
/// willingness λ (default <see cref="PredictiveRouterPolicy.DefaultWillingness"/>; a settings cost weight overrides it),
/// alpha, projection, learn true, warmStart true. When the router file holds a warm start (train-router writes one)
/// and warmStart is true, the policy starts from its fitted arms: projection is then the warm start's (a different
/// explicit value is refused when the policy is built) and alpha defaults to <see cref="ContextualWarmStart.DefaultAlpha"/>;
/// otherwise alpha defaults to 0.2 and projection to 32. The router file is loaded when a policy is built; a path that
/// does not exist is refused here, at load.</summary>
/// <param name="Alpha">Null: the default for the start the policy gets.</param>
/// <param name="Projection">Null: the warm start's, else 32.</param>
public sealed record ContextualParameters(string? RouterFile, double Willingness, double? Alpha, int? Projection, bool Learn, bool WarmStart = true) : PolicyParameters
{
    /// <summary>UCB width without a fitted warm start (cold, or from the router prior).</summary>
    public const double DefaultAlpha = 0.2;

    /// <summary>Projection size without a fitted warm start.</summary>
    public const int DefaultProjection = 32;

    internal static ContextualParameters Read(ParameterReader reader)
    {
        var path = reader.String("routerFile", null);
        if (path is not null && !File.Exists(path))
        {
            throw new ArgumentException($"Policy 'contextual': parameter 'routerFile' names no file: {path}.", "routerFile");
        }

        return new(
            path,
            reader.Double("willingness", PredictiveRouterPolicy.DefaultWillingness, 0),
            reader.OptionalDouble("alpha", 0),
            reader.OptionalInt("projection", 1, 4096),
            reader.Bool("learn", true),
            reader.Bool("warmStart", true));
    }
}
