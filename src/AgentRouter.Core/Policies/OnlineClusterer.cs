using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>Online k-means over query features, for queries without a known task type. A query farther than
/// <c>spawnDistance</c> (squared Euclidean) from every centroid founds a new cluster while fewer than k exist;
/// otherwise the nearest centroid moves towards it by 1/count. Soft membership is a softmax over negative
/// squared distances divided by a temperature. Deterministic: no random initialisation is needed.</summary>
internal sealed class OnlineClusterer
{
    private readonly List<double[]> _centroids = [];
    private readonly List<double> _counts = [];

    public OnlineClusterer(int capacity, double temperature, double spawnDistance)
    {
        Capacity = capacity;
        Temperature = temperature;
        SpawnDistance = spawnDistance;
    }

    public int Capacity { get; }

    public double Temperature { get; }

    public double SpawnDistance { get; }

    public int Dimension { get; private set; }

    public int Count => _centroids.Count;

    /// <summary>Soft membership of <paramref name="x"/> in each of the <see cref="Capacity"/> clusters (zero
    /// for clusters not yet founded). With no cluster yet, everything belongs to cluster 0.</summary>
    public void Weights(ReadOnlySpan<float> x, Span<double> weights)
    {
        weights.Clear();
        var count = _centroids.Count;
        if (count == 0)
        {
            weights[0] = 1;
            return;
        }

        CheckDimension(x);
        var nearest = double.PositiveInfinity;
        for (var c = 0; c < count; c++)
        {
            weights[c] = SquaredDistance(_centroids[c], x);
            nearest = Math.Min(nearest, weights[c]);
        }

        var total = 0.0;
        for (var c = 0; c < count; c++)
        {
            weights[c] = Math.Exp(-(weights[c] - nearest) / Temperature);
            total += weights[c];
        }

        for (var c = 0; c < count; c++)
        {
            weights[c] /= total;
        }
    }

    public void Update(ReadOnlySpan<float> x)
    {
        if (_centroids.Count == 0)
        {
            Dimension = x.Length;
        }

        CheckDimension(x);
        var nearest = -1;
        var nearestDistance = double.PositiveInfinity;
        for (var c = 0; c < _centroids.Count; c++)
        {
            var distance = SquaredDistance(_centroids[c], x);
            if (distance < nearestDistance)
            {
                nearestDistance = distance;
                nearest = c;
            }
        }

        if (_centroids.Count < Capacity && (nearest < 0 || nearestDistance > SpawnDistance))
        {
            var centroid = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                centroid[i] = x[i];
            }

            _centroids.Add(centroid);
            _counts.Add(1);
            return;
        }

        var target = _centroids[nearest];
        var n = ++_counts[nearest];
        for (var i = 0; i < target.Length; i++)
        {
            target[i] += (x[i] - target[i]) / n;
        }
    }

    public JsonObject ToJson()
    {
        var centroids = new JsonArray();
        foreach (var centroid in _centroids)
        {
            centroids.Add(PolicyState.Packed(centroid));
        }

        return new JsonObject
        {
            ["dimension"] = Dimension,
            ["centroids"] = centroids,
            ["counts"] = PolicyState.Doubles(_counts.ToArray()),
        };
    }

    public void Restore(JsonObject state)
    {
        Dimension = PolicyState.Required<int>(state, "dimension");
        var centroids = state["centroids"] as JsonArray ?? throw new ArgumentException(
            "The snapshot lacks field 'clusters.centroids'.", "clusters.centroids");
        _centroids.Clear();
        _counts.Clear();
        foreach (var node in centroids)
        {
            _centroids.Add(PolicyState.Unpack(node?.GetValue<string>() ?? string.Empty, Dimension, "clusters.centroids"));
        }

        _counts.AddRange(PolicyState.ReadDoubles(state, "counts", _centroids.Count));
    }

    private void CheckDimension(ReadOnlySpan<float> x)
    {
        if (x.Length != Dimension)
        {
            throw new ArgumentException(
                $"Query features have dimension {x.Length}, but the task-type clustering was fixed to {Dimension} by the first query.",
                "query");
        }
    }

    private static double SquaredDistance(double[] centroid, ReadOnlySpan<float> x)
    {
        var sum = 0.0;
        for (var i = 0; i < centroid.Length; i++)
        {
            var delta = centroid[i] - x[i];
            sum += delta * delta;
        }

        return sum;
    }
}
