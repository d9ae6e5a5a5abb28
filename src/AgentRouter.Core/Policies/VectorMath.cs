using System.Numerics;
using System.Runtime.InteropServices;

namespace AgentRouter.Core.Policies;

/// <summary>SIMD kernels for LinUCB's per-arm algebra (dot products and rank-1 updates over rows of a dense
/// row-major matrix, in double) and the predictive routers (in float). Generic over the element type so that both
/// precisions run the same loops; the JIT compiles each instantiation separately, as if written by hand.</summary>
internal static class VectorMath
{
    /// <summary>Σ a[i]·b[i] over a's length, with two vector accumulators.</summary>
    public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b)
        where T : unmanaged, INumber<T>
    {
        var length = a.Length;
        var sum = T.Zero;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= 2 * Vector<T>.Count)
        {
            var va = MemoryMarshal.Cast<T, Vector<T>>(a);
            var vb = MemoryMarshal.Cast<T, Vector<T>>(b[..length]);
            var acc0 = Vector<T>.Zero;
            var acc1 = Vector<T>.Zero;
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
            i = va.Length * Vector<T>.Count;
        }

        for (; i < length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>y ← y + factor·x over y's length (axpy).</summary>
    public static void AddScaled<T>(Span<T> y, ReadOnlySpan<T> x, T factor)
        where T : unmanaged, INumber<T>
    {
        var length = y.Length;
        var i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<T>.Count)
        {
            var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
            var vx = MemoryMarshal.Cast<T, Vector<T>>(x[..length]);
            var vf = new Vector<T>(factor);
            for (var v = 0; v < vy.Length; v++)
            {
                vy[v] += vx[v] * vf;
            }

            i = vy.Length * Vector<T>.Count;
        }

        for (; i < length; i++)
        {
            y[i] += factor * x[i];
        }
    }
}
