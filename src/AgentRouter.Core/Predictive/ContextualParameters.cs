using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary><c>contextual</c>'s parameters (see <see cref="ContextualBanditPolicy"/>): routerFile (null: cold start),
/// willingness λ (default <see cref="PredictiveRouterPolicy.DefaultWillingness"/>; a settings cost weight overrides it),
/// alpha 0.2, projection 32, learn true. The router file is loaded when a policy is built; a path that does not exist
/// is refused here, at load.</summary>
public sealed record ContextualParameters(string? RouterFile, double Willingness, double Alpha, int Projection, bool Learn) : PolicyParameters
{
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
            reader.Double("alpha", 0.2, 0),
            reader.Int("projection", 32, 1, 4096),
            reader.Bool("learn", true));
    }
}
