using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

/// <summary>LinUCB's exploration width xᵀA⁻¹x from the packed single-precision mirror, checked against the same sum in
/// double precision over the full matrix: dimensions below, at and past the kernel's 64-column groups (and not multiples
/// of a vector), dense and sparse x, zero rows at the start and end of a group.</summary>
public sealed class QuadraticFormTests
{
    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(5, 1.0)]
    [InlineData(17, 0.5)]
    [InlineData(64, 0.7)]
    [InlineData(64, 1.0)]
    [InlineData(100, 0.3)]
    [InlineData(130, 0.6)]
    [InlineData(384, 0.9)]
    public void Matches_the_double_precision_sum(int dimension, double density)
    {
        var random = new Random(dimension * 31 + (int)(density * 10));
        var matrix = RandomSymmetric(dimension, random);
        var mirror = new SymmetricMirror(dimension);
        mirror.CopyFrom(matrix);
        var plan = new QuadraticFormPlan(dimension);
        for (var trial = 0; trial < 20; trial++)
        {
            var x = new float[dimension];
            for (var i = 0; i < dimension; i++)
            {
                x[i] = random.NextDouble() < density ? (float)(random.NextDouble() * 2 - 1) : 0f;
            }

            if (trial == 0)
            {
                x.AsSpan().Clear(); // no non-zero row at all
            }

            plan.Prepare(x);
            var expected = 0.0;
            var scale = 0.0;
            for (var i = 0; i < dimension; i++)
            {
                for (var j = 0; j < dimension; j++)
                {
                    expected += x[i] * matrix[i * dimension + j] * x[j];
                    scale += Math.Abs(x[i] * matrix[i * dimension + j] * x[j]);
                }
            }

            Assert.Equal(expected, mirror.QuadraticForm(plan), 1e-5 * (scale + 1e-30));
        }
    }

    [Fact]
    public void A_plan_for_another_dimension_is_refused()
    {
        var mirror = new SymmetricMirror(8);
        var plan = new QuadraticFormPlan(9);
        plan.Prepare(new float[9]);
        Assert.Throws<ArgumentException>(() => mirror.QuadraticForm(plan));
        Assert.Throws<ArgumentException>(() => plan.Prepare(new float[8]));
    }

    private static double[] RandomSymmetric(int dimension, Random random)
    {
        var matrix = new double[dimension * dimension];
        for (var i = 0; i < dimension; i++)
        {
            matrix[i * dimension + i] = 0.5 + random.NextDouble();
            for (var j = i + 1; j < dimension; j++)
            {
                var value = (random.NextDouble() - 0.5) * 0.2;
                matrix[i * dimension + j] = value;
                matrix[j * dimension + i] = value;
            }
        }

        return matrix;
    }
}
