using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>RouteLLM-style matrix factorisation: a model embedding P_m (L2-normalised) meets a projection W·x of
/// the query embedding, and a linear head reads their element-wise product: P̂(m | x) = σ(vᵀ(P̂_m ⊙ W·x) + b_m).
/// RouteLLM trains the difference of two models' scores on pairwise wins; the logged outcomes here are per-model
/// correctness, so the same factorisation is trained point-wise with binary cross-entropy (a per-model bias b_m
/// added), with RouteLLM's recipe otherwise: dimension 128, Adam, weight decay 1e-5, Gaussian noise (σ = 0.1) on
/// the query embedding while training. Deterministic under the seed.</summary>
public sealed class MatrixFactorizationPredictor : IOutcomePredictor
{
    private const float WeightDecay = 1e-5f;
    private const float Noise = 0.1f;
    private readonly int _rank;
    private readonly float[] _projection; // [rank][dimension]
    private readonly float[] _modelEmbedding; // [models][rank]
    private readonly float[] _head; // [rank]
    private readonly float[] _bias; // [models]

    private MatrixFactorizationPredictor(int dimension, int models, int rank, float[] projection, float[] modelEmbedding, float[] head, float[] bias)
    {
        Dimension = dimension;
        ModelCount = models;
        _rank = rank;
        _projection = projection;
        _modelEmbedding = modelEmbedding;
        _head = head;
        _bias = bias;
    }

    public string Kind => "mf";

    public string Label => "mf";

    public int Dimension { get; }

    public int ModelCount { get; }

    public static MatrixFactorizationPredictor Train(OutcomeTable table, int seed, int rank = 128, int epochs = 60, float learningRate = 1e-3f, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(table);
        var random = new Random(seed);
        var d = table.Dimension;
        var models = table.Models.Count;
        float Uniform(double bound) => (float)(((random.NextDouble() * 2) - 1) * bound);
        var projection = Enumerable.Range(0, rank * d).Select(_ => Uniform(1 / Math.Sqrt(d))).ToArray();
        var modelEmbedding = Enumerable.Range(0, models * rank).Select(_ => Uniform(1)).ToArray();
        var head = Enumerable.Range(0, rank).Select(_ => Uniform(1 / Math.Sqrt(rank))).ToArray();
        var bias = Enumerable.Range(0, models).Select(m => (float)Math.Log((table.MeanQuality(m) + 0.01) / (1.01 - table.MeanQuality(m)))).ToArray();
        var predictor = new MatrixFactorizationPredictor(d, models, rank, projection, modelEmbedding, head, bias);

        var parameters = new[] { projection, modelEmbedding, head, bias };
        var gradients = parameters.Select(p => new float[p.Length]).ToArray();
        var optimisers = parameters.Select(p => new DenseMath.Adam(p.Length, learningRate)).ToArray();
        var order = Enumerable.Range(0, table.Features.Count).ToArray();
        var noisy = new float[d];
        var projected = new float[rank];
        var projectedGrad = new float[rank];
        var unit = new float[rank];
        var step = 0;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += batchSize)
            {
                foreach (var g in gradients)
                {
                    Array.Clear(g);
                }

                var pairs = 0;
                for (var b = start; b < Math.Min(order.Length, start + batchSize); b++)
                {
                    var q = order[b];
                    var x = table.Features[q];
                    for (var i = 0; i < d; i++)
                    {
                        noisy[i] = x[i] + (Noise * (float)Gaussian(random));
                    }

                    for (var r = 0; r < rank; r++)
                    {
                        projected[r] = VectorMath.Dot(projection.AsSpan(r * d, d), noisy);
                    }

                    Array.Clear(projectedGrad);
                    for (var m = 0; m < models; m++)
                    {
                        var target = table.Quality[q][m];
                        if (!double.IsFinite(target))
                        {
                            continue;
                        }

                        pairs++;
                        var row = modelEmbedding.AsSpan(m * rank, rank);
                        var norm = MathF.Max(MathF.Sqrt(VectorMath.Dot(row, row)), 1e-12f);
                        var logit = bias[m];
                        for (var r = 0; r < rank; r++)
                        {
                            unit[r] = row[r] / norm;
                            logit += head[r] * unit[r] * projected[r];
                        }

                        var error = Sigmoid(logit) - (float)target; // ∂BCE/∂logit
                        gradients[3][m] += error;
                        var unitGrad = new float[rank];
                        var radial = 0f;
                        for (var r = 0; r < rank; r++)
                        {
                            gradients[2][r] += error * unit[r] * projected[r];
                            projectedGrad[r] += error * head[r] * unit[r];
                            unitGrad[r] = error * head[r] * projected[r];
                            radial += unitGrad[r] * unit[r];
                        }

                        for (var r = 0; r < rank; r++)
                        {
                            gradients[1][(m * rank) + r] += (unitGrad[r] - (radial * unit[r])) / norm; // through the L2 normalisation
                        }
                    }

                    for (var r = 0; r < rank; r++)
                    {
                        if (projectedGrad[r] != 0)
                        {
                            VectorMath.AddScaled(gradients[0].AsSpan(r * d, d), noisy, projectedGrad[r]);
                        }
                    }
                }

                if (pairs == 0)
                {
                    continue;
                }

                step++;
                for (var p = 0; p < parameters.Length; p++)
                {
                    for (var i = 0; i < parameters[p].Length; i++)
                    {
                        gradients[p][i] = (gradients[p][i] / pairs) + (WeightDecay * parameters[p][i]);
                    }

                    optimisers[p].Step(parameters[p], gradients[p], step);
                }
            }
        }

        return predictor;
    }

    public void Predict(ReadOnlySpan<float> features, Span<double> predicted)
    {
        Span<float> projected = _rank <= 512 ? stackalloc float[_rank] : new float[_rank];
        for (var r = 0; r < _rank; r++)
        {
            projected[r] = VectorMath.Dot(_projection.AsSpan(r * Dimension, Dimension), features);
        }

        for (var m = 0; m < ModelCount; m++)
        {
            var row = _modelEmbedding.AsSpan(m * _rank, _rank);
            var norm = MathF.Max(MathF.Sqrt(VectorMath.Dot(row, row)), 1e-12f);
            var logit = _bias[m];
            for (var r = 0; r < _rank; r++)
            {
                logit += _head[r] * row[r] / norm * projected[r];
            }

            predicted[m] = Sigmoid(logit);
        }
    }

    public JsonObject Save() => new()
    {
        ["rank"] = _rank,
        ["projection"] = DenseMath.ToBase64(_projection),
        ["modelEmbedding"] = DenseMath.ToBase64(_modelEmbedding),
        ["head"] = DenseMath.ToBase64(_head),
        ["bias"] = DenseMath.ToBase64(_bias),
    };

    internal static MatrixFactorizationPredictor Load(JsonObject state, int dimension, int models)
    {
        var rank = RouterFile.Int(state, "rank");
        return new MatrixFactorizationPredictor(dimension, models, rank,
            DenseMath.FromBase64(RouterFile.String(state, "projection"), rank * dimension, "projection"),
            DenseMath.FromBase64(RouterFile.String(state, "modelEmbedding"), models * rank, "modelEmbedding"),
            DenseMath.FromBase64(RouterFile.String(state, "head"), rank, "head"),
            DenseMath.FromBase64(RouterFile.String(state, "bias"), models, "bias"));
    }

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
