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

    /// <summary>Σ_{i ∈ nonZero} x_i·(M_i · x) for a row-major matrix whose rows are <paramref name="stride"/>
    /// floats (a multiple of the SIMD width) and x zero-padded to the same length. The per-row products stay
    /// in vector registers; only the final total is reduced horizontally.</summary>
    public static float QuadraticForm(ReadOnlySpan<float> matrix, int stride, ReadOnlySpan<float> paddedX, ReadOnlySpan<int> nonZero)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(paddedX[..stride]);
        var total = Vector<float>.Zero;
        foreach (var i in nonZero)
        {
            var row = MemoryMarshal.Cast<float, Vector<float>>(matrix.Slice(i * stride, stride));
            var acc0 = Vector<float>.Zero;
            var acc1 = Vector<float>.Zero;
            var v = 0;
            for (; v + 1 < row.Length; v += 2)
            {
                acc0 += row[v] * vx[v];
                acc1 += row[v + 1] * vx[v + 1];
            }

            if (v < row.Length)
            {
                acc0 += row[v] * vx[v];
            }

            total += (acc0 + acc1) * paddedX[i];
        }

        return Vector.Sum(total);
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
