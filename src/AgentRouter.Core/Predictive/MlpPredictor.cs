using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>RouterBench's MLP router: one regressor per model (scikit-learn MLPRegressor's recipe: ReLU hidden
/// layers, identity output, squared loss with L2 α = 1e-4, Adam at 1e-3, mini-batches of min(200, n), up to 200
/// epochs, stopping when the epoch loss has not improved by 1e-4 for 10 epochs; Glorot-uniform initialisation),
/// trained on the queries where that model has a record. Deterministic under the seed.</summary>
public sealed class MlpPredictor : IOutcomePredictor
{
    private readonly Network[] _networks;

    private MlpPredictor(int dimension, int[] hidden, Network[] networks)
    {
        Dimension = dimension;
        Hidden = hidden;
        _networks = networks;
    }

    public IReadOnlyList<int> Hidden { get; }

    public string Kind => "mlp";

    public string Label => "mlp-" + string.Join('x', Hidden);

    public int Dimension { get; }

    public int ModelCount => _networks.Length;

    /// <summary>Epochs each model's network ran before stopping (for the training log).</summary>
    public IReadOnlyList<int> EpochsRun => _networks.Select(network => network.Epochs).ToArray();

    public static MlpPredictor Train(OutcomeTable table, IReadOnlyList<int> hidden, int seed, int maxEpochs = 200, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (hidden.Count == 0 || hidden.Any(size => size < 1))
        {
            throw new ArgumentException("MLP hidden layer sizes must be at least 1 each.", nameof(hidden));
        }

        var sizes = hidden.ToArray();
        var networks = new Network[table.Models.Count];
        for (var m = 0; m < networks.Length; m++)
        {
            var rows = Enumerable.Range(0, table.Features.Count).Where(q => double.IsFinite(table.Quality[q][m])).ToArray();
            networks[m] = new Network([table.Dimension, .. sizes, 1], new Random(unchecked((seed * 1_000_003) + m) & int.MaxValue));
            if (rows.Length > 0)
            {
                networks[m].Fit(rows.Select(q => table.Features[q]).ToArray(), rows.Select(q => (float)table.Quality[q][m]).ToArray(), maxEpochs, new Random(seed + m));
            }

            progress?.Invoke($"{table.Models[m]}: {networks[m].Epochs} epochs");
        }

        return new MlpPredictor(table.Dimension, sizes, networks);
    }

    public void Predict(ReadOnlySpan<float> features, Span<double> predicted)
    {
        for (var m = 0; m < _networks.Length; m++)
        {
            predicted[m] = _networks[m].Forward(features);
        }
    }

    public JsonObject Save() => new()
    {
        ["hidden"] = new JsonArray(Hidden.Select(size => (JsonNode?)JsonValue.Create(size)).ToArray()),
        ["networks"] = new JsonArray(_networks.Select(network => (JsonNode?)new JsonObject
        {
            ["epochs"] = network.Epochs,
            ["weights"] = new JsonArray(network.Weights.Select(w => (JsonNode?)DenseMath.ToBase64(w)).ToArray()),
            ["biases"] = new JsonArray(network.Biases.Select(b => (JsonNode?)DenseMath.ToBase64(b)).ToArray()),
        }).ToArray()),
    };

    internal static MlpPredictor Load(JsonObject state, int dimension, int models)
    {
        var hidden = RouterFile.Array(state, "hidden").Select(node => node?.GetValue<int>() ?? 0).ToArray();
        var networksNode = RouterFile.Array(state, "networks");
        if (networksNode.Count != models || hidden.Length == 0 || hidden.Any(size => size < 1))
        {
            throw new RouterFileException($"field 'networks' has {networksNode.Count} networks for {models} models, or 'hidden' is empty");
        }

        int[] sizes = [dimension, .. hidden, 1];
        var networks = networksNode.Select((node, m) =>
        {
            var entry = node as JsonObject ?? throw new RouterFileException($"networks[{m}] is not an object");
            var weights = RouterFile.Array(entry, "weights");
            var biases = RouterFile.Array(entry, "biases");
            if (weights.Count != sizes.Length - 1 || biases.Count != sizes.Length - 1)
            {
                throw new RouterFileException($"networks[{m}] has {weights.Count} weight layers, expected {sizes.Length - 1}");
            }

            var network = new Network(sizes, null) { Epochs = RouterFile.Int(entry, "epochs") };
            for (var l = 0; l < sizes.Length - 1; l++)
            {
                network.Weights[l] = DenseMath.FromBase64(weights[l]!.GetValue<string>(), sizes[l] * sizes[l + 1], $"networks[{m}].weights[{l}]");
                network.Biases[l] = DenseMath.FromBase64(biases[l]!.GetValue<string>(), sizes[l + 1], $"networks[{m}].biases[{l}]");
            }

            return network;
        }).ToArray();
        return new MlpPredictor(dimension, hidden, networks);
    }

    /// <summary>A fully connected ReLU network with one linear output. Weights[l] is row-major [out][in].</summary>
    private sealed class Network
    {
        private const float L2 = 1e-4f;
        private const float LearningRate = 1e-3f;
        private const double Tolerance = 1e-4;
        private const int Patience = 10;
        private readonly int[] _sizes;

        public Network(int[] sizes, Random? random)
        {
            _sizes = sizes;
            Weights = new float[sizes.Length - 1][];
            Biases = new float[sizes.Length - 1][];
            for (var l = 0; l < sizes.Length - 1; l++)
            {
                Weights[l] = new float[sizes[l] * sizes[l + 1]];
                Biases[l] = new float[sizes[l + 1]];
                if (random is null)
                {
                    continue;
                }

                var bound = (float)Math.Sqrt(6.0 / (sizes[l] + sizes[l + 1]));
                for (var i = 0; i < Weights[l].Length; i++)
                {
                    Weights[l][i] = (float)((random.NextDouble() * 2) - 1) * bound;
                }

                for (var i = 0; i < Biases[l].Length; i++)
                {
                    Biases[l][i] = (float)((random.NextDouble() * 2) - 1) * bound;
                }
            }
        }

        public float[][] Weights { get; }

        public float[][] Biases { get; }

        public int Epochs { get; set; }

        public double Forward(ReadOnlySpan<float> input)
        {
            var activation = input.ToArray();
            for (var l = 0; l < Weights.Length; l++)
            {
                activation = Layer(l, activation);
            }

            return activation[0];
        }

        public void Fit(float[][] inputs, float[] targets, int maxEpochs, Random shuffle)
        {
            var layers = Weights.Length;
            var weightGrad = Weights.Select(w => new float[w.Length]).ToArray();
            var biasGrad = Biases.Select(b => new float[b.Length]).ToArray();
            var weightAdam = Weights.Select(w => new DenseMath.Adam(w.Length, LearningRate)).ToArray();
            var biasAdam = Biases.Select(b => new DenseMath.Adam(b.Length, LearningRate)).ToArray();
            var order = Enumerable.Range(0, inputs.Length).ToArray();
            var batchSize = Math.Min(200, inputs.Length);
            var activations = new float[layers + 1][];
            var deltas = new float[layers][];
            var best = double.PositiveInfinity;
            var stale = 0;
            var step = 0;
            for (var epoch = 0; epoch < maxEpochs; epoch++)
            {
                shuffle.Shuffle(order);
                var epochLoss = 0.0;
                for (var start = 0; start < order.Length; start += batchSize)
                {
                    var end = Math.Min(order.Length, start + batchSize);
                    foreach (var g in weightGrad)
                    {
                        Array.Clear(g);
                    }

                    foreach (var g in biasGrad)
                    {
                        Array.Clear(g);
                    }

                    var batchLoss = 0.0;
                    for (var b = start; b < end; b++)
                    {
                        activations[0] = inputs[order[b]];
                        for (var l = 0; l < layers; l++)
                        {
                            activations[l + 1] = Layer(l, activations[l]);
                        }

                        var error = activations[layers][0] - targets[order[b]];
                        batchLoss += 0.5 * error * error;
                        deltas[layers - 1] = [error];
                        for (var l = layers - 1; l >= 0; l--)
                        {
                            var input = activations[l];
                            for (var o = 0; o < _sizes[l + 1]; o++)
                            {
                                var delta = deltas[l][o];
                                if (delta != 0)
                                {
                                    VectorMath.AddScaled(weightGrad[l].AsSpan(o * _sizes[l], _sizes[l]), input, delta);
                                    biasGrad[l][o] += delta;
                                }
                            }

                            if (l > 0)
                            {
                                var back = new float[_sizes[l]];
                                for (var o = 0; o < _sizes[l + 1]; o++)
                                {
                                    if (deltas[l][o] != 0)
                                    {
                                        VectorMath.AddScaled(back, Weights[l].AsSpan(o * _sizes[l], _sizes[l]), deltas[l][o]);
                                    }
                                }

                                for (var i = 0; i < back.Length; i++)
                                {
                                    back[i] = input[i] > 0 ? back[i] : 0; // ReLU'
                                }

                                deltas[l - 1] = back;
                            }
                        }
                    }

                    var n = end - start;
                    var penalty = 0.0;
                    step++;
                    for (var l = 0; l < layers; l++)
                    {
                        for (var i = 0; i < weightGrad[l].Length; i++)
                        {
                            penalty += Weights[l][i] * (double)Weights[l][i];
                            weightGrad[l][i] = (weightGrad[l][i] + (L2 * Weights[l][i])) / n;
                        }

                        for (var i = 0; i < biasGrad[l].Length; i++)
                        {
                            biasGrad[l][i] /= n;
                        }

                        weightAdam[l].Step(Weights[l], weightGrad[l], step);
                        biasAdam[l].Step(Biases[l], biasGrad[l], step);
                    }

                    epochLoss += batchLoss + (0.5 * L2 * penalty);
                }

                Epochs = epoch + 1;
                epochLoss /= inputs.Length;
                if (epochLoss > best - Tolerance)
                {
                    if (++stale >= Patience)
                    {
                        break;
                    }
                }
                else
                {
                    stale = 0;
                }

                best = Math.Min(best, epochLoss);
            }
        }

        private float[] Layer(int l, ReadOnlySpan<float> input)
        {
            var outputs = new float[_sizes[l + 1]];
            var last = l == Weights.Length - 1;
            for (var o = 0; o < outputs.Length; o++)
            {
                var value = VectorMath.Dot(Weights[l].AsSpan(o * _sizes[l], _sizes[l]), input) + Biases[l][o];
                outputs[o] = last || value > 0 ? value : 0;
            }

            return outputs;
        }
    }
}
