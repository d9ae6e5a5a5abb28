using AgentRouter.Inference.Checkpoints;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Checkpoints;

/// <summary>The in-place bit scan that replaced libtorch's isfinite().all() at load time agrees with libtorch.</summary>
public sealed class FiniteValuesTests
{
    public static TheoryData<ScalarType> Scanned => [ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16];

    [Theory]
    [MemberData(nameof(Scanned))]
    public void Every_position_of_a_nan_or_infinity_is_found_and_finite_extremes_pass(ScalarType dtype)
    {
        // 1,000 values: whole vectors plus a scalar tail, so both loops are exercised.
        using var values = randn(1000, generator: new Generator(5)).mul(100).to(dtype);
        using var largest = full(1000, dtype == ScalarType.Float16 ? 65504.0 : 3.0e38, dtype: dtype);
        Assert.True(FiniteValues.All(values));
        Assert.True(FiniteValues.All(largest));
        Assert.True(FiniteValues.All(values.neg()));

        foreach (var position in new[] { 0, 31, 32, 500, 991, 999 })
        {
            foreach (var bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                using var copy = values.clone();
                copy[position] = tensor(bad, dtype: dtype);
                Assert.False(FiniteValues.All(copy), $"{bad} at {position}");
                Assert.Equal(copy.isfinite().all().item<bool>(), FiniteValues.All(copy));
            }
        }
    }

    [Fact]
    public void Views_and_other_dtypes_fall_back_to_libtorch()
    {
        using var matrix = randn(64, 64);
        matrix[3, 40] = tensor(float.NaN);
        using var transposed = matrix.t();
        Assert.False(FiniteValues.All(transposed));
        using var doubles = matrix.to(ScalarType.Float64);
        Assert.False(FiniteValues.All(doubles));
        using var finite = randn(64, 64).to(ScalarType.Float64);
        Assert.True(FiniteValues.All(finite));
    }
}
