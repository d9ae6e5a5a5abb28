namespace AgentRouter.Core.Policies;

/// <summary>One disjoint-LinUCB arm: A⁻¹ (kept by Sherman–Morrison rank-1 updates, never re-inverted), b and
/// θ = A⁻¹b, with A = λI + Σ xxᵀ and b = Σ r·x.</summary>
internal sealed class LinUcbArm
{
    public LinUcbArm(int dimension, double ridge)
    {
        Dimension = dimension;
        InverseA = new double[dimension * dimension];
        for (var i = 0; i < dimension; i++)
        {
            InverseA[i * dimension + i] = 1 / ridge;
        }

        B = new double[dimension];
        Theta = new double[dimension];
    }

    public int Dimension { get; }

    /// <summary>A⁻¹, row-major. Symmetric: every update subtracts a symmetric outer product.</summary>
    public double[] InverseA { get; private set; }

    public double[] B { get; private set; }

    public double[] Theta { get; private set; }

    public double Pulls { get; private set; }

    public double Mean(ReadOnlySpan<double> x) => VectorMath.Dot(Theta, x);

    /// <summary>xᵀA⁻¹x, visiting only the rows where x is non-zero (hashed text features are sparse).</summary>
    public double Variance(ReadOnlySpan<double> x, ReadOnlySpan<int> nonZero)
    {
        var d = Dimension;
        var inverse = InverseA.AsSpan();
        var sum = 0.0;
        foreach (var i in nonZero)
        {
            sum += x[i] * VectorMath.Dot(inverse.Slice(i * d, d), x);
        }

        return sum;
    }

    /// <summary>A ← A + xxᵀ and b ← b + r·x, with A⁻¹ ← A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x).</summary>
    public void Update(ReadOnlySpan<double> x, double reward, Span<double> scratch)
    {
        var d = Dimension;
        var inverse = InverseA.AsSpan();
        var u = scratch[..d];
        for (var i = 0; i < d; i++)
        {
            u[i] = VectorMath.Dot(inverse.Slice(i * d, d), x);
        }

        var denominator = 1 + VectorMath.Dot(x, u);
        for (var i = 0; i < d; i++)
        {
            if (u[i] != 0)
            {
                VectorMath.AddScaled(inverse.Slice(i * d, d), u, -u[i] / denominator);
            }
        }

        VectorMath.AddScaled(B, x, reward);
        for (var i = 0; i < d; i++)
        {
            Theta[i] = VectorMath.Dot(inverse.Slice(i * d, d), B);
        }

        Pulls++;
    }

    public void Load(double[] inverseA, double[] b, double pulls)
    {
        InverseA = inverseA;
        B = b;
        Pulls = pulls;
        var d = Dimension;
        for (var i = 0; i < d; i++)
        {
            Theta[i] = VectorMath.Dot(InverseA.AsSpan(i * d, d), B);
        }
    }
}
