using static TorchSharp.torch;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// RMSNorm (<c>weight · x / sqrt(mean(x²) + ε)</c>, float32) for at most <see cref="DecodeLinear.MaxRows"/>
/// rows in one managed pass instead of six libtorch ops; used by <see cref="Modules.RmsNorm"/> while decoding.
/// </summary>
internal static unsafe class SmallBatchRmsNorm
{
    public static Tensor Apply(Tensor input, Tensor weight, float epsilon)
    {
        var width = (int)weight.shape[0];
        var rows = (int)(input.numel() / width);
        var output = empty(input.shape, ScalarType.Float32, input.device);
        // A copy only when the rows are strided; a contiguous input is read in place (one tensor fewer per call).
        using var contiguousInputCopy = input.is_contiguous() ? null : input.contiguous();
        var contiguousInput = contiguousInputCopy ?? input;
        fixed (byte* inputBytes = contiguousInput.bytes)
        fixed (byte* weightBytes = weight.bytes)
        fixed (byte* outputBytes = output.bytes)
        {
            var scale = (float*)weightBytes;
            for (var row = 0; row < rows; row++)
            {
                var source = (float*)inputBytes + ((long)row * width);
                var target = (float*)outputBytes + ((long)row * width);
                var meanSquare = SmallBatchGemv.Dot(source, source, width) / width;
                var inverse = 1f / MathF.Sqrt(meanSquare + epsilon);
                for (var index = 0; index < width; index++)
                {
                    target[index] = scale[index] * (source[index] * inverse);
                }
            }
        }
        return output;
    }
}
