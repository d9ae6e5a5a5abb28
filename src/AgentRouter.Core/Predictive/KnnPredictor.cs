using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>RouterBench's KNN router: P̂ of a model is the mean of its recorded quality over the k training
/// queries nearest by cosine distance (neighbours where the model has no record are skipped, as pandas' mean
/// skips NaN; with none left, the model's mean over all training data). Ties in distance go to the earlier row.</summary>
public sealed class KnnPredictor : IOutcomePredictor
{
    private readonly float[][] _unitFeatures;
    private readonly double[][] _quality;
    private readonly double[] _fallback;

    public KnnPredictor(OutcomeTable table, int k)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
        Dimension = table.Dimension;
        ModelCount = table.Models.Count;
        _unitFeatures = table.Features.Select(row => DenseMath.Normalised(row)).ToArray();
        _quality = table.Quality.Select(row => row.ToArray()).ToArray();
        _fallback = Enumerable.Range(0, ModelCount).Select(table.MeanQuality).ToArray();
    }

    private KnnPredictor(int k, float[][] unitFeatures, double[][] quality, double[] fallback)
    {
        K = k;
        Dimension = unitFeatures[0].Length;
        ModelCount = fallback.Length;
        _unitFeatures = unitFeatures;
        _quality = quality;
        _fallback = fallback;
    }

    public int K { get; }

    public string Kind => "knn";

    public string Label => $"knn-{K}";

    public int Dimension { get; }

    public int ModelCount { get; }

    public void Predict(ReadOnlySpan<float> features, Span<double> predicted)
    {
        var query = DenseMath.Normalised(features);
        var k = Math.Min(K, _unitFeatures.Length);
        Span<int> best = k <= 64 ? stackalloc int[k] : new int[k];
        Span<float> bestSimilarity = k <= 64 ? stackalloc float[k] : new float[k];
        var filled = 0;
        for (var row = 0; row < _unitFeatures.Length; row++)
        {
            var similarity = VectorMath.Dot(query, _unitFeatures[row]);
            if (filled == k && similarity <= bestSimilarity[k - 1])
            {
                continue;
            }

            var at = filled < k ? filled++ : k - 1;
            while (at > 0 && bestSimilarity[at - 1] < similarity)
            {
                best[at] = best[at - 1];
                bestSimilarity[at] = bestSimilarity[at - 1];
                at--;
            }

            best[at] = row;
            bestSimilarity[at] = similarity;
        }

        for (var m = 0; m < ModelCount; m++)
        {
            var sum = 0.0;
            var count = 0;
            for (var n = 0; n < filled; n++)
            {
                var value = _quality[best[n]][m];
                if (double.IsFinite(value))
                {
                    sum += value;
                    count++;
                }
            }

            predicted[m] = count == 0 ? _fallback[m] : sum / count;
        }
    }

    public JsonObject Save() => new()
    {
        ["k"] = K,
        ["rows"] = _unitFeatures.Length,
        ["features"] = DenseMath.ToBase64(_unitFeatures.SelectMany(row => row).ToArray()),
        ["quality"] = new JsonArray(_quality.Select(row => (JsonNode)new JsonArray(row.Select(v => (JsonNode?)(double.IsFinite(v) ? JsonValue.Create(v) : null)).ToArray())).ToArray()),
        ["fallback"] = new JsonArray(_fallback.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
    };

    internal static KnnPredictor Load(JsonObject state, int dimension, int models)
    {
        var k = RouterFile.Int(state, "k");
        var rows = RouterFile.Int(state, "rows");
        var flat = DenseMath.FromBase64(RouterFile.String(state, "features"), rows * dimension, "features");
        var features = Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * dimension, dimension).ToArray()).ToArray();
        var quality = RouterFile.Rows(state, "quality", rows, models);
        var fallback = RouterFile.Doubles(state, "fallback", models);
        return new KnnPredictor(k, features, quality, fallback);
    }
}
