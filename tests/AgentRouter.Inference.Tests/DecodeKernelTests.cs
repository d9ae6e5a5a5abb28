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
    [InlineData(1, 512)]
    [InlineData(8, 37)]
    public void ManagedRmsNormMatchesLibtorchOps(int rows, int width)
    {
        using var norm = new RmsNorm(width, 1e-5);
        using var generator = new Generator(13);
        using (no_grad())
        {
            norm.Weight.normal_(1.0, 0.2, generator);
        }
        using var input = randn(new long[] { rows, 1, width }, generator: generator) * 3.0;
        using var inference = inference_mode();
        Assert.True(DecodeLinear.AppliesElementwise(input, norm.Weight));

        using var managed = norm.forward(input);
        // The libtorch formulation RmsNorm uses outside decoding (transformers' LlamaRMSNorm).
        using var variance = (input * input).mean(new long[] { -1 }, keepdim: true);
        using var reference = norm.Weight * (input * (variance + 1e-5).rsqrt());

        Assert.Equal(reference.shape, managed.shape);
        AssertClose(reference, managed, 1e-5);
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

    [Theory]
    [InlineData(1, 512, 1024, false)]
    [InlineData(3, 64, 96, true)]
    [InlineData(8, 100, 33, false)]
    public void DecodeLinearOnBf16RoundsTheFloat32ProductOnce(int rows, int inFeatures, int outFeatures, bool withBias)
    {
        using var generator = new Generator(17);
        using var input = randn(new long[] { 1, rows, inFeatures }, generator: generator).to(ScalarType.BFloat16);
        using var weight = randn(new long[] { outFeatures, inFeatures }, generator: generator).to(ScalarType.BFloat16);
        using var bias = withBias ? randn(new long[] { outFeatures }, generator: generator).to(ScalarType.BFloat16) : null;
        using var inference = inference_mode();
        Assert.True(DecodeLinear.Applies(input, weight, bias));

        using var actual = DecodeLinear.Apply(input, weight, bias);
        // The exact product of the same bf16 values, in float32; one bf16 rounding (relative 2^-8) is all that may separate them.
        using var exact = nn.functional.linear(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias?.to(ScalarType.Float32));
        using var libtorch = nn.functional.linear(input, weight, bias);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Assert.Equal(exact.shape, actual.shape);
        AssertWithinBf16Roundings(exact, actual, 1, 1e-5 * Math.Sqrt(inFeatures));
        // libtorch rounds the product and then the sum with the bias, so its error scales with the largest term, not the result.
        AssertWithinBf16Roundings(exact, libtorch, withBias ? 2 : 1, 1e-5 * Math.Sqrt(inFeatures), relativeToLargest: withBias);
    }

    [Theory]
    [InlineData(1, true, 0)]
    [InlineData(5, false, 40)]
    public void ManagedExpertMixOnBf16MatchesTheFloat32MixOfTheSameWeights(int tokenCount, bool renormalise, int sharedWidth)
    {
        const int hidden = 48;
        using var exactBlock = new SparseMoeBlock(hidden, numExperts: 6, expertsPerToken: 2, expertIntermediateSize: 40, renormalise, sharedWidth);
        RandomiseForRouting(exactBlock);
        using var reducedBlock = new SparseMoeBlock(hidden, numExperts: 6, expertsPerToken: 2, expertIntermediateSize: 40, renormalise, sharedWidth);
        using (no_grad())
        {
            foreach (var ((_, exact), (_, reduced)) in exactBlock.named_parameters().Zip(reducedBlock.named_parameters()))
            {
                exact.copy_(exact.to(ScalarType.BFloat16).to(ScalarType.Float32));
                reduced.copy_(exact);
            }
        }
        TorchSharp.ModuleExtensionMethods.to(reducedBlock, ScalarType.BFloat16);
        using var generator = new Generator(3);
        using var tokens = randn(new long[] { tokenCount, hidden }, generator: generator).to(ScalarType.BFloat16);
        using var inference = inference_mode();
        Assert.True(SmallBatchExpertMixer.Applies(tokens, reducedBlock.get_parameter("gate.weight")!, reducedBlock.Experts));

        var (managed, managedRouter) = reducedBlock.Forward(tokens);
        using var wideTokens = tokens.to(ScalarType.Float32);
        var (exactOutput, exactRouter) = exactBlock.Forward(wideTokens);
        using (managed)
        using (managedRouter)
        using (exactOutput)
        using (exactRouter)
        {
            Assert.Equal(ScalarType.BFloat16, managed.dtype);
            AssertWithinBf16Roundings(exactRouter, managedRouter, 1, 1e-4);
            // The shared expert (when present) runs through libtorch in bf16, rounding after each of its ops: allow four roundings.
            AssertWithinBf16Roundings(exactOutput, managed, sharedWidth > 0 ? 4 : 1, 1e-3, relativeToLargest: sharedWidth > 0);
        }
    }

    /// <summary>Each bf16 rounding moves a value by at most half an ulp, 2^-8 of its magnitude.</summary>
    private static void AssertWithinBf16Roundings(Tensor exact, Tensor actual, int roundings, double absoluteSlack, bool relativeToLargest = false)
    {
        var left = exact.to(ScalarType.Float32).reshape(-1).data<float>().ToArray();
        var right = actual.to(ScalarType.Float32).reshape(-1).data<float>().ToArray();
        Assert.Equal(left.Length, right.Length);
        for (var index = 0; index < left.Length; index++)
        {
            var scale = relativeToLargest ? left.Max(Math.Abs) : Math.Abs(left[index]);
            var allowed = (roundings * scale * Math.Pow(2, -8)) + absoluteSlack;
            Assert.True(Math.Abs(left[index] - right[index]) <= allowed, $"element {index}: {right[index]} vs exact {left[index]} (allowed {allowed})");
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
