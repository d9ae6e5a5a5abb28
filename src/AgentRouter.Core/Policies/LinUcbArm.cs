namespace AgentRouter.Core.Policies;

/// <summary>One disjoint-LinUCB arm: A⁻¹ (kept by Sherman–Morrison rank-1 updates, never re-inverted), b and
/// θ = A⁻¹b, with A = λI + Σ xxᵀ and b = Σ r·x.</summary>
/// <remarks>The decision path reads a single-precision mirror of A⁻¹'s upper triangle (<see cref="SymmetricMirror"/>):
/// the confidence width needs no more than float precision, and it quarters the bytes the d² quadratic form streams
/// per arm. Learning keeps the double-precision A⁻¹.</remarks>
internal sealed class LinUcbArm
{
    private readonly SymmetricMirror _mirror;

    public LinUcbArm(int dimension, double ridge)
    {
        Dimension = dimension;
        _mirror = new SymmetricMirror(dimension);
        InverseA = new double[dimension * dimension];
        for (var i = 0; i < dimension; i++)
        {
            InverseA[i * dimension + i] = 1 / ridge;
        }

        B = new double[dimension];
        Theta = new double[dimension];
        RefreshMirror();
    }

    public int Dimension { get; }

    /// <summary>A⁻¹, row-major. Symmetric: every update subtracts a symmetric outer product.</summary>
    public double[] InverseA { get; private set; }

    public double[] B { get; private set; }

    public double[] Theta { get; private set; }

    public double Pulls { get; private set; }

    public double Mean(ReadOnlySpan<double> x) => VectorMath.Dot(Theta, x);

    /// <summary>xᵀA⁻¹x from the float mirror, visiting only the rows where x is non-zero (the plan's x).</summary>
    public double Variance(QuadraticFormPlan plan) => _mirror.QuadraticForm(plan);

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
        RefreshMirror();
    }

    private void RefreshMirror() => _mirror.CopyFrom(InverseA);

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

        RefreshMirror();
    }
}
