using System.Numerics;
using System.Runtime.InteropServices;

namespace AgentRouter.Core.Predictive;

/// <summary>Float kernels for the predictive routers (SIMD dot product and axpy).</summary>
internal static class DenseMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var length = a.Length;
        var sum = 0f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..length]);
            var acc = Vector<float>.Zero;
            for (var v = 0; v < va.Length; v++)
            {
                acc += va[v] * vb[v];
            }

            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }

        for (; i < length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>y += alpha · x.</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        var length = x.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y[..length]);
            var va = new Vector<float>(alpha);
            for (var v = 0; v < vx.Length; v++)
            {
                vy[v] += va * vx[v];
            }

            i = vx.Length * Vector<float>.Count;
        }

        for (; i < length; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    public static float[] Normalised(ReadOnlySpan<float> x)
    {
        var norm = MathF.Sqrt(Dot(x, x));
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
