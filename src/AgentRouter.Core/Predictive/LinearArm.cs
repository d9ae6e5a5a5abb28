using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Predictive;

/// <summary>One model's ridge regression of quality on a context z (Bayesian linear model with unit prior precision):
/// A = I + Σ zzᵀ kept as A⁻¹ by Sherman–Morrison, b = θ₀ + Σ y·z, θ = A⁻¹b. The prior mean θ₀ is zero, or (with a
/// prior coefficient index) the unit vector on that context slot — for a context whose slot holds a trained router's
/// P̂, the arm starts out predicting exactly P̂. Also tracks the running mean cost of the model's calls.</summary>
internal sealed class LinearArm
{
    private readonly int _size;
    private readonly double[] _inverse;
    private readonly double[] _b;
    private readonly double[] _theta;
    private readonly double? _trainedCost;
    private double _costSum;
    private int _pulls;

    /// <param name="model">The model's index in the router's models, or -1 without a router.</param>
    /// <param name="priorCoefficient">The context slot whose coefficient starts at 1; -1 for a zero prior mean.</param>
    public LinearArm(int model, int size, double? trainedCost, int priorCoefficient = -1)
    {
        Model = model;
        _size = size;
        _inverse = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            _inverse[(i * size) + i] = 1;
        }

        _b = new double[size];
        _theta = new double[size];
        if (priorCoefficient >= 0)
        {
            _b[priorCoefficient] = 1;
            _theta[priorCoefficient] = 1;
        }

        _trainedCost = trainedCost;
    }

    public int Model { get; }

    public int Size => _size;

    /// <summary>Context rows folded in so far (training warm-up plus online feedback).</summary>
    public int Updates { get; private set; }

    public double Cost(Candidate candidate) => _trainedCost ?? (_pulls > 0 ? _costSum / _pulls : candidate.Profile.Cost.PerCall);

    /// <summary>θᵀz and the confidence width √(zᵀA⁻¹z).</summary>
    public (double Mean, double Width) Estimate(ReadOnlySpan<double> z)
    {
        var mean = 0.0;
        var quadratic = 0.0;
        for (var i = 0; i < _size; i++)
        {
            mean += _theta[i] * z[i];
            var row = 0.0;
            for (var j = 0; j < _size; j++)
            {
                row += _inverse[(i * _size) + j] * z[j];
            }

            quadratic += z[i] * row;
        }

        return (mean, Math.Sqrt(Math.Max(0, quadratic)));
    }

    /// <summary>Folds one observation (context, target) into the regression.</summary>
    public void Update(ReadOnlySpan<double> z, double target)
    {
        Span<double> az = _size <= 256 ? stackalloc double[_size] : new double[_size];
        az.Clear();
        var denominator = 1.0;
        for (var i = 0; i < _size; i++)
        {
            for (var j = 0; j < _size; j++)
            {
                az[i] += _inverse[(i * _size) + j] * z[j];
            }

            denominator += z[i] * az[i];
        }

        for (var i = 0; i < _size; i++)
        {
            for (var j = 0; j < _size; j++)
            {
                _inverse[(i * _size) + j] -= az[i] * az[j] / denominator;
            }

            _b[i] += target * z[i];
        }

        SolveTheta();
        Updates++;
    }

    public void ObserveCost(double cost)
    {
        _costSum += cost;
        _pulls++;
    }

    /// <summary>Takes over another arm's regression (a warm start fitted once and shared by many policies).</summary>
    public void CopyRegressionFrom(LinearArm other)
    {
        if (other._size != _size)
        {
            throw new ArgumentException($"Arm sizes differ: {other._size} vs {_size}.", nameof(other));
        }

        other._inverse.CopyTo(_inverse, 0);
        other._b.CopyTo(_b, 0);
        other._theta.CopyTo(_theta, 0);
        Updates = other.Updates;
    }

    public JsonObject Snapshot() => new()
    {
        ["inverse"] = new JsonArray(_inverse.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
        ["b"] = new JsonArray(_b.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
        ["costSum"] = _costSum,
        ["pulls"] = _pulls,
    };

    public void Restore(JsonObject state)
    {
        var inverse = RouterFile.Doubles(state, "inverse", _inverse.Length);
        var b = RouterFile.Doubles(state, "b", _b.Length);
        inverse.CopyTo(_inverse, 0);
        b.CopyTo(_b, 0);
        SolveTheta();
        _costSum = state["costSum"]?.GetValue<double>() ?? 0;
        _pulls = state["pulls"]?.GetValue<int>() ?? 0;
    }

    private void SolveTheta()
    {
        for (var i = 0; i < _size; i++)
        {
            var value = 0.0;
            for (var j = 0; j < _size; j++)
            {
                value += _inverse[(i * _size) + j] * _b[j];
            }

            _theta[i] = value;
        }
    }
}
