using AgentRouter.Inference.Kernels;

namespace AgentRouter.Inference.Tests;

/// <summary>
/// The decode GEMVs read four weight rows a quarter of their range apart side by side (four prefetch streams instead of
/// one). Each row's sum must keep the one-row dot product's order, so every output equals that product bit for bit:
/// with a feature count that leaves a remainder after the quarters, block and column counts with tails, several input
/// rows, bias, and with the rows split into chunks between the caller and the decode helper thread.
/// </summary>
public sealed class FourStreamGemvTests
{
    [Theory]
    [InlineData(1, 160, 23, false, false)]
    [InlineData(3, 96, 4, true, false)]
    [InlineData(2, 224, 203, true, true)]
    [InlineData(1, 1024, 517, false, true)]
    public unsafe void Int8ProductEqualsTheOneRowDotBitForBit(int rows, int columns, int outFeatures, bool withBias, bool shared)
    {
        var random = new Random(outFeatures);
        var matrix = Int8BlockMatrix.Quantize(RandomValues(random, outFeatures * columns), outFeatures, columns);
        var input = RandomValues(random, rows * columns);
        var bias = withBias ? RandomValues(random, outFeatures) : null;
        var blocks = columns / Int8BlockMatrix.BlockSize;
        var quantisedInput = new sbyte[rows * columns];
        var inputScales = new float[rows * blocks];
        foreach (var activations in new[] { Int8Activations.Int8, Int8Activations.Float32 })
        {
            var output = new float[rows * outFeatures];
            DecodeWorker.ShareOverride = shared;
            try
            {
                fixed (float* inputValues = input)
                fixed (float* biasValues = bias)
                fixed (float* outputValues = output)
                {
                    Int8Gemv.Multiply(inputValues, rows, matrix, activations, 0, outFeatures, biasValues, outputValues);
                }
            }
            finally
            {
                DecodeWorker.ShareOverride = null;
            }
            fixed (float* inputValues = input)
            fixed (sbyte* quantised = quantisedInput)
            fixed (float* scales = inputScales)
            fixed (sbyte* weights = matrix.Values)
            fixed (float* weightScales = matrix.Scales)
            {
                Int8Gemv.QuantiseActivations(inputValues, rows * blocks, quantised, scales);
                for (var row = 0; row < rows; row++)
                {
                    for (var feature = 0; feature < outFeatures; feature++)
                    {
                        var weightRow = weights + ((long)feature * columns);
                        var rowScales = weightScales + ((long)feature * blocks);
                        var dot = activations == Int8Activations.Int8
                            ? Int8Gemv.Dot(weightRow, rowScales, quantised + (row * columns), scales + (row * blocks), blocks)
                            : Int8Gemv.DotFloat(weightRow, rowScales, inputValues + (row * columns), blocks);
                        var expected = dot + (bias?[feature] ?? 0f);
                        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(output[(row * outFeatures) + feature]),
                            $"{activations}: row {row}, feature {feature}: {output[(row * outFeatures) + feature]:R} instead of {expected:R}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 1024, 23, false, false)]
    [InlineData(2, 100, 9, true, false)]
    [InlineData(3, 61, 203, true, true)]
    [InlineData(1, 512, 4, false, false)]
    public unsafe void Float32ProductEqualsTheOneRowDotBitForBit(int rows, int inFeatures, int outFeatures, bool withBias, bool shared)
    {
        var random = new Random(inFeatures);
        var weight = RandomValues(random, outFeatures * inFeatures);
        var input = RandomValues(random, rows * inFeatures);
        var bias = withBias ? RandomValues(random, outFeatures) : null;
        var output = new float[rows * outFeatures];
        DecodeWorker.ShareOverride = shared;
        try
        {
            fixed (float* inputValues = input)
            fixed (float* weightValues = weight)
            fixed (float* biasValues = bias)
            fixed (float* outputValues = output)
            {
                SmallBatchGemv.Multiply(inputValues, rows, weightValues, outFeatures, inFeatures, biasValues, outputValues);
            }
        }
        finally
        {
            DecodeWorker.ShareOverride = null;
        }
        fixed (float* inputValues = input)
        fixed (float* weightValues = weight)
        {
            for (var row = 0; row < rows; row++)
            {
                for (var feature = 0; feature < outFeatures; feature++)
                {
                    var expected = SmallBatchGemv.Dot(weightValues + ((long)feature * inFeatures), inputValues + (row * inFeatures), inFeatures) +
                        (bias?[feature] ?? 0f);
                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(output[(row * outFeatures) + feature]),
                        $"row {row}, feature {feature}: {output[(row * outFeatures) + feature]:R} instead of {expected:R}");
                }
            }
        }
    }

    private static float[] RandomValues(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
}
