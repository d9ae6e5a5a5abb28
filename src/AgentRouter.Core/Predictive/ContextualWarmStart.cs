using System.Text.Json.Nodes;

namespace AgentRouter.Core.Predictive;

/// <summary>A contextual policy's arms fitted offline on the training data of its router, as PILOT warm-starts
/// LinUCB: each model's regression sees z = [R·x/‖R·x‖, 1, P̂_m(x)] with P̂ predicted out of fold (the router is
/// retrained k times, each time without the rows it then predicts), so the fit learns how far to trust P̂ on
/// queries the router has not seen — a calibration of the router plus a per-model intercept. A router with no signal
/// is shrunk to each model's mean quality; one that is right is kept. Every training row narrows the arms'
/// confidence, so the online policy starts with little left to explore.</summary>
public sealed class ContextualWarmStart
{
    /// <summary>Projection of the embedding the warm-started arms see: with P̂ and the intercept, ten parameters per model
    /// fitted on ~1,000–2,000 training rows. 8 dimensions (and <see cref="DefaultAlpha"/>) were chosen on RouterBench ARC
    /// alone (1–32 tried; 4–16 within 0.002 AIQ of each other, 32 worse by 0.01; α 0–0.2 within 0.001).</summary>
    public const int DefaultProjectionSize = 8;

    /// <summary>UCB width for a warm-started policy: its arms start with narrow confidence, little is left to explore.</summary>
    public const double DefaultAlpha = 0.1;

    private readonly LinearArm[] _arms;

    private ContextualWarmStart(LinearArm[] arms, int projectionSize, int seed, int rows)
    {
        _arms = arms;
        ProjectionSize = projectionSize;
        Seed = seed;
        Rows = rows;
    }

    public int ProjectionSize { get; }

    public int Seed { get; }

    /// <summary>Training queries the arms were fitted on.</summary>
    public int Rows { get; }

    /// <summary>Models (arms), in the router's model order.</summary>
    public int ModelCount => _arms.Length;

    /// <summary>Fits the arms on <paramref name="table"/> (the router's training table, same model order).</summary>
    /// <param name="spec">The router's kind and hyper-parameters, retrained per fold.</param>
    /// <param name="folds">Out-of-fold splits (at least 2).</param>
    public static ContextualWarmStart Fit(
        RouterFile router, PredictorSpec spec, OutcomeTable table, int projectionSize, int seed, int folds = 5, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(table);
        if (!router.Models.SequenceEqual(table.Models, StringComparer.Ordinal) || router.Predictor.Dimension != table.Dimension)
        {
            throw new RouterFileException($"router '{router.Predictor.Label}' was not trained on this table's models and dimension");
        }

        var outOfFold = OutOfFoldPredictions(spec, table, folds, seed, progress);
        var projection = new RandomProjection(seed, projectionSize, table.Dimension);
        var arms = Enumerable.Range(0, table.Models.Count)
            .Select(m => new LinearArm(m, projectionSize + 2, router.MeanCost[m], priorCoefficient: projectionSize + 1))
            .ToArray();
        var z = new double[projectionSize + 2];
        for (var q = 0; q < table.Features.Count; q++)
        {
            projection.Context(table.Features[q]).CopyTo(z, 0);
            for (var m = 0; m < arms.Length; m++)
            {
                var quality = table.Quality[q][m];
                if (double.IsFinite(quality))
                {
                    z[projectionSize + 1] = outOfFold[q][m];
                    arms[m].Update(z, quality);
                }
            }
        }

        return new ContextualWarmStart(arms, projectionSize, seed, table.Features.Count);
    }

    /// <summary>P̂ for every training row from a router trained without that row's fold (folds assigned by a seeded
    /// shuffle).</summary>
    public static double[][] OutOfFoldPredictions(PredictorSpec spec, OutcomeTable table, int folds, int seed, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(table);
        var rows = table.Features.Count;
        if (folds < 2 || folds > rows)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"Out-of-fold prediction needs between 2 and {rows} folds.");
        }

        var order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        var foldOf = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            foldOf[order[i]] = i % folds;
        }

        var predictions = new double[rows][];
        for (var fold = 0; fold < folds; fold++)
        {
            var kept = Enumerable.Range(0, rows).Where(q => foldOf[q] != fold).ToArray();
            var subset = new OutcomeTable(table.Models, kept.Select(q => table.Features[q]).ToArray(), kept.Select(q => table.Quality[q]).ToArray(), table.MeanCost);
            var predictor = spec.Train(subset, seed + fold);
            for (var q = 0; q < rows; q++)
            {
                if (foldOf[q] == fold)
                {
                    predictor.Predict(table.Features[q], predictions[q] = new double[table.Models.Count]);
                }
            }

            progress?.Invoke($"{predictor.Label}: out-of-fold predictions, fold {fold + 1} of {folds}");
        }

        return predictions;
    }

    /// <summary>The fitted arms, for a router file (<see cref="RouterFile.Save"/>).</summary>
    public JsonObject Save() => new()
    {
        ["projection"] = ProjectionSize,
        ["seed"] = Seed,
        ["rows"] = Rows,
        ["arms"] = new JsonArray(_arms.Select(arm => (JsonNode?)arm.Snapshot()).ToArray()),
    };

    /// <summary>Reads <see cref="Save"/>'s form for a router with <paramref name="meanCost"/>'s models. Each arm's stored
    /// sizes are checked before its (projection + 2)² matrix is allocated, so a file claiming a large projection
    /// with small arrays costs nothing.</summary>
    /// <exception cref="RouterFileException">A field is missing or has the wrong size.</exception>
    public static ContextualWarmStart Load(JsonObject state, IReadOnlyList<double> meanCost)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(meanCost);
        var projection = RouterFile.Int(state, "projection");
        if (projection < 1 || projection > 4096)
        {
            throw new RouterFileException("field 'contextualWarmStart.projection' must be between 1 and 4096");
        }

        var armStates = RouterFile.Array(state, "arms");
        if (armStates.Count != meanCost.Count)
        {
            throw new RouterFileException($"field 'contextualWarmStart.arms' has {armStates.Count} arms, expected one per model ({meanCost.Count})");
        }

        var arms = new LinearArm[meanCost.Count];
        for (var m = 0; m < arms.Length; m++)
        {
            try
            {
                var armState = armStates[m] as JsonObject ?? throw new RouterFileException("is not an object");
                var size = projection + 2;
                if (RouterFile.Array(armState, "inverse").Count != size * size || RouterFile.Array(armState, "b").Count != size)
                {
                    throw new RouterFileException($"'inverse' and 'b' must hold {size}×{size} and {size} values for a {projection}-d projection");
                }

                arms[m] = new LinearArm(m, size, meanCost[m], priorCoefficient: projection + 1);
                arms[m].Restore(armState);
            }
            catch (RouterFileException error)
            {
                throw new RouterFileException($"field 'contextualWarmStart.arms'[{m}]: {error.Message}", error);
            }
        }

        return new ContextualWarmStart(arms, projection, RouterFile.Int(state, "seed"), RouterFile.Int(state, "rows"));
    }

    /// <summary>The fitted arm of a model (by the router's model index).</summary>
    internal LinearArm ArmOf(int model) => _arms[model];
}
