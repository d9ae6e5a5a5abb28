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

    /// <summary>Σ_{i ∈ nonZero} x_i·(M_i · x) for a row-major matrix whose rows are <paramref name="stride"/>
    /// floats (a multiple of the SIMD width), with x zero-padded to the same length. Rows go four at a time
    /// with independent accumulators, so the FMA latency chain of a single dot product does not serialise
    /// the work; per-row sums stay in vector registers and only the total is reduced horizontally.</summary>
    public static float QuadraticForm(ReadOnlySpan<float> matrix, int stride, ReadOnlySpan<float> paddedX, ReadOnlySpan<int> nonZero)
    {
        var width = Vector<float>.Count;
        if (stride % width != 0 || paddedX.Length < stride || matrix.Length % stride != 0)
        {
            throw new ArgumentException("The matrix rows and x must be padded to whole SIMD vectors.", nameof(stride));
        }

        var rows = matrix.Length / stride;
        foreach (var i in nonZero)
        {
            if ((uint)i >= (uint)rows)
            {
                throw new ArgumentOutOfRangeException(nameof(nonZero), i, "Row index outside the matrix.");
            }
        }

        ref readonly var m = ref MemoryMarshal.GetReference(matrix);
        ref readonly var x = ref MemoryMarshal.GetReference(paddedX);
        var step = (nuint)width;
        var length = (nuint)stride;
        var total = Vector<float>.Zero;
        var r = 0;
        for (; r + 3 < nonZero.Length; r += 4)
        {
            var base0 = (nuint)nonZero[r] * length;
            var base1 = (nuint)nonZero[r + 1] * length;
            var base2 = (nuint)nonZero[r + 2] * length;
            var base3 = (nuint)nonZero[r + 3] * length;
            Vector<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            for (nuint k = 0; k < length; k += step)
            {
                var xv = Vector.LoadUnsafe(in x, k);
                acc0 += Vector.LoadUnsafe(in m, base0 + k) * xv;
                acc1 += Vector.LoadUnsafe(in m, base1 + k) * xv;
                acc2 += Vector.LoadUnsafe(in m, base2 + k) * xv;
                acc3 += Vector.LoadUnsafe(in m, base3 + k) * xv;
            }

            total += acc0 * paddedX[nonZero[r]] + acc1 * paddedX[nonZero[r + 1]]
                + acc2 * paddedX[nonZero[r + 2]] + acc3 * paddedX[nonZero[r + 3]];
        }

        for (; r < nonZero.Length; r++)
        {
            var rowBase = (nuint)nonZero[r] * length;
            Vector<float> acc = default;
            for (nuint k = 0; k < length; k += step)
            {
                acc += Vector.LoadUnsafe(in m, rowBase + k) * Vector.LoadUnsafe(in x, k);
            }

            total += acc * paddedX[nonZero[r]];
        }

        return Vector.Sum(total);
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
