using System.Numerics;
using System.Runtime.InteropServices;

namespace AgentRouter.Core.Policies;

/// <summary>SIMD kernels for LinUCB's per-arm algebra (dot products and rank-1 updates over rows of a dense
/// row-major matrix).</summary>
internal static class VectorMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var length = a.Length;
        var sum = 0.0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= 2 * Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..length]);
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            var v = 0;
            for (; v + 1 < va.Length; v += 2)
            {
                acc0 += va[v] * vb[v];
                acc1 += va[v + 1] * vb[v + 1];
            }

            if (v < va.Length)
            {
                acc0 += va[v] * vb[v];
            }

            sum = Vector.Sum(acc0 + acc1);
            i = va.Length * Vector<double>.Count;
        }

        for (; i < length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>y ← y + factor·x.</summary>
    public static void AddScaled(Span<double> y, ReadOnlySpan<double> x, double factor)
    {
        var length = y.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x[..length]);
            var vf = new Vector<double>(factor);
            for (var v = 0; v < vy.Length; v++)
            {
                vy[v] += vx[v] * vf;
            }

            i = vy.Length * Vector<double>.Count;
        }

        for (; i < length; i++)
        {
            y[i] += factor * x[i];
        }
    }
}
