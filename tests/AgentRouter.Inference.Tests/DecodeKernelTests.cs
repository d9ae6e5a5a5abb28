using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>The managed small-batch decode kernels against libtorch's own ops on the same weights.</summary>
public sealed class DecodeKernelTests
{
    [Theory]
    [InlineData(1, 512, 1024, false)]
    [InlineData(1, 37, 5, true)]
    [InlineData(3, 64, 96, true)]
    [InlineData(8, 100, 33, false)]
    public void DecodeLinearMatchesLibtorchLinear(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        using var generator = new Generator(7);
        using var input = randn(new long[] { 1, rows, inFeatures }, generator: generator);
        using var weight = randn(new long[] { outFeatures, inFeatures }, generator: generator);
        using var bias = withBias ? randn(new long[] { outFeatures }, generator: generator) : null;
        using var inference = inference_mode();
        Assert.True(DecodeLinear.Applies(input, weight, bias));

        using var expected = nn.functional.linear(input, weight, bias);
        using var actual = DecodeLinear.Apply(input, weight, bias);

        Assert.Equal(expected.shape, actual.shape);
        AssertClose(expected, actual, 1e-5 * Math.Sqrt(inFeatures));
    }

    [Fact]
    public void DecodeLinearReadsNonContiguousInputInLogicalOrder()
    {
        using var generator = new Generator(11);
        using var source = randn(new long[] { 40, 2 }, generator: generator);
        using var weight = randn(new long[] { 6, 40 }, generator: generator);
        using var inference = inference_mode();
        using var transposed = source.t();
        Assert.False(transposed.is_contiguous());

        using var expected = nn.functional.linear(transposed, weight);
        using var actual = DecodeLinear.Apply(transposed, weight);

        AssertClose(expected, actual, 1e-4);
    }

    [Fact]
    public void DecodeLinearLeavesAutogradAndLargeBatchesToLibtorch()
    {
        using var weight = randn(4, 16).requires_grad_();
        using var input = randn(2, 16);
        Assert.False(DecodeLinear.Applies(input, weight));
        using var output = DecodeLinear.Apply(input, weight);
        Assert.True(output.requires_grad);

        using var inference = inference_mode();
        using var manyRows = randn(DecodeLinear.MaxRows + 1, 16);
        Assert.False(DecodeLinear.Applies(manyRows, weight));
        using var doubles = randn(new long[] { 1, 16 }, ScalarType.Float64);
        Assert.False(DecodeLinear.Applies(doubles, weight));
    }

    [Theory]
    [InlineData(1, true, 0)]
    [InlineData(3, false, 0)]
    [InlineData(8, true, 0)]
    [InlineData(5, false, 40)]
    public void ManagedExpertMixMatchesGroupedDispatch(int tokenCount, bool renormalise, int sharedWidth)
    {
        const int hidden = 48;
        using var block = new SparseMoeBlock(hidden, numExperts: 6, expertsPerToken: 2, expertIntermediateSize: 40, renormalise, sharedWidth);
        RandomiseForRouting(block);
        using var generator = new Generator(3);
        using var tokens = randn(new long[] { tokenCount, hidden }, generator: generator);
        using var inference = inference_mode();
        Assert.True(SmallBatchExpertMixer.Applies(tokens, block.get_parameter("gate.weight")!, block.Experts));

        var (managed, managedRouter) = block.Forward(tokens);
        // Any Dispatch other than the shared default instance takes the libtorch path.
        block.Dispatch = new GroupedExpertDispatch();
        var (grouped, groupedRouter) = block.Forward(tokens);

        using (managed)
        using (managedRouter)
        using (grouped)
        using (groupedRouter)
        {
            AssertClose(groupedRouter, managedRouter, 1e-5);
            AssertClose(grouped, managed, 1e-5);
        }
    }

    [Fact]
    public void RouteTakesTheLargestProbabilitiesAndRenormalises()
    {
        var logits = new[] { 0.5f, 2.0f, -1.0f, 1.5f };
        var selected = new int[2];
        var weights = new float[2];

        SmallBatchExpertMixer.Route(logits, 2, renormalise: false, selected, weights);
        using var probabilities = tensor(logits).softmax(0);
        var expected = probabilities.data<float>().ToArray();
        Assert.Equal(new[] { 1, 3 }, selected);
        Assert.Equal(expected[1], weights[0], 6);
        Assert.Equal(expected[3], weights[1], 6);

        SmallBatchExpertMixer.Route(logits, 2, renormalise: true, selected, weights);
        Assert.Equal(1.0, weights[0] + weights[1], 6);
        Assert.Equal(expected[1] / (expected[1] + expected[3]), weights[0], 6);
    }

    /// <summary>Router weights large enough that the top-k choice is clear-cut, so both paths pick the same experts.</summary>
    private static void RandomiseForRouting(SparseMoeBlock block)
    {
        using var generator = new Generator(5);
        using var noGrad = no_grad();
        foreach (var (_, parameter) in block.named_parameters())
        {
            parameter.normal_(0, 0.3, generator);
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        var left = expected.reshape(-1).data<float>().ToArray();
        var right = actual.reshape(-1).data<float>().ToArray();
        Assert.Equal(left.Length, right.Length);
        var worst = left.Zip(right, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= tolerance, $"max abs difference {worst} exceeds {tolerance}");
    }
}
