using System.Runtime.InteropServices;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Predictive;

/// <summary>Float helpers for the predictive routers (normalising, base64 storage, Adam); the SIMD dot product and
/// axpy are <see cref="VectorMath"/>'s.</summary>
internal static class DenseMath
{
    public static float[] Normalised(ReadOnlySpan<float> x)
    {
        var norm = MathF.Sqrt(VectorMath.Dot(x, x));
        var result = x.ToArray();
        if (norm > 0)
        {
            for (var i = 0; i < result.Length; i++)
            {
                result[i] /= norm;
            }
        }

        return result;
    }

    public static string ToBase64(float[] values) => Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()));

    public static float[] FromBase64(string text, int expected, string field)
    {
        var bytes = Convert.FromBase64String(text);
        if (bytes.Length != expected * sizeof(float))
        {
            throw new RouterFileException($"field '{field}' holds {bytes.Length / sizeof(float)} numbers, expected {expected}");
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>Adam (Kingma & Ba) state for one parameter array.</summary>
    public sealed class Adam(int size, float learningRate)
    {
        private const float Beta1 = 0.9f;
        private const float Beta2 = 0.999f;
        private const float Epsilon = 1e-8f;
        private readonly float[] _m = new float[size];
        private readonly float[] _v = new float[size];

        public void Step(float[] parameters, float[] gradient, int t)
        {
            var correction1 = 1 - MathF.Pow(Beta1, t);
            var correction2 = 1 - MathF.Pow(Beta2, t);
            var rate = learningRate * MathF.Sqrt(correction2) / correction1;
            for (var i = 0; i < parameters.Length; i++)
            {
                var g = gradient[i];
                _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
                _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
                parameters[i] -= rate * _m[i] / (MathF.Sqrt(_v[i]) + Epsilon);
            }
        }
    }
}
