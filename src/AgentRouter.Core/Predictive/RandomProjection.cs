using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>A fixed Gaussian random projection R (seeded) of an embedding onto a few dimensions, as the context a
/// linear bandit sees: z = [R·x / ‖R·x‖, 1]. The same seed, size and input dimension give the same R, so a warm start
/// fitted offline and the policy that uses it online see the same context.</summary>
internal sealed class RandomProjection
{
    private readonly float[] _matrix;

    public RandomProjection(int seed, int size, int inputDimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimension, 1);
        Size = size;
        InputDimension = inputDimension;
        var random = new Random(seed);
        _matrix = new float[size * inputDimension];
        for (var i = 0; i < _matrix.Length; i++)
        {
            // Box–Muller: a standard normal from two uniforms.
            _matrix[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
    }

    public int Size { get; }

    public int InputDimension { get; }

    /// <summary>The context: Size normalised projections followed by the intercept 1 (Size + 1 values).</summary>
    public double[] Context(ReadOnlySpan<float> features)
    {
        if (features.Length != InputDimension)
        {
            throw new ArgumentException($"Expected {InputDimension}-dimensional features, got {features.Length}.", nameof(features));
        }

        var z = new double[Size + 1];
        var norm = 0.0;
        for (var r = 0; r < Size; r++)
        {
            z[r] = VectorMath.Dot(_matrix.AsSpan(r * InputDimension, InputDimension), features);
            norm += z[r] * z[r];
        }

        norm = Math.Sqrt(norm);
        for (var r = 0; r < Size && norm > 0; r++)
        {
            z[r] /= norm;
        }

        z[Size] = 1; // intercept
        return z;
    }
}
