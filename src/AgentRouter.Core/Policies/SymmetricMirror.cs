using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AgentRouter.Core.Policies;

/// <summary>
/// A single-precision copy of a symmetric d×d matrix M laid out for the quadratic form xᵀMx: row i keeps only the
/// columns from the start of the SIMD vector holding the diagonal, with M_ii on the diagonal, 2·M_ij right of it and
/// zeros left of it, so that xᵀMx = Σ_i x_i·Σ_{j ≥ i} U_ij·x_j reads about half the matrix. Rows are packed one after
/// another, each a whole number of vectors long.
/// </summary>
/// <remarks>Profiled on LinUCB's decision (16 arms, d = 64, 44 non-zero features): the full-row float mirror streamed
/// 16 × 44 × 64 floats (180 KB, more than L1) per decision and bounded it at ~2.7 µs; this layout streams about half of
/// that, in 512-bit vectors where the hardware has them, with fused multiply-adds.</remarks>
internal sealed class SymmetricMirror
{
    private readonly float[] _packed;
    private readonly int[] _rowOffset;

    public SymmetricMirror(int dimension)
    {
        Dimension = dimension;
        Stride = PaddedLength(dimension);
        _rowOffset = RowOffsets(dimension, Stride);
        _packed = new float[_rowOffset[dimension]];
    }

    /// <summary>Where each row begins in the packed array, and (at index <paramref name="dimension"/>) the total length: the
    /// same for every mirror of one dimension, which is what lets a <see cref="QuadraticFormPlan"/> serve them all.</summary>
    public static int[] RowOffsets(int dimension, int stride)
    {
        var offsets = new int[dimension + 1];
        var offset = 0;
        for (var i = 0; i < dimension; i++)
        {
            offsets[i] = offset;
            offset += stride - RowStart(i);
        }

        offsets[dimension] = offset;
        return offsets;
    }

    public int Dimension { get; }

    /// <summary>Floats per SIMD vector of the layout: 512-bit vectors where they are accelerated.</summary>
    public static int VectorWidth => Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector<float>.Count;

    /// <summary><paramref name="dimension"/> rounded up to whole vectors; on the 512-bit path to whole groups of four
    /// vectors (64 columns), the unit <see cref="Sum512"/> keeps in registers. The padding columns hold zeros.</summary>
    public static int PaddedLength(int dimension)
    {
        var unit = Uses512 ? GroupWidth : VectorWidth;
        return (dimension + unit - 1) / unit * unit;
    }

    /// <summary>Columns <see cref="Sum512"/> keeps in registers at a time: four 16-float vectors.</summary>
    public const int GroupWidth = 64;

    private static bool Uses512 => VectorWidth == Vector512<float>.Count && Vector512.IsHardwareAccelerated;

    /// <summary>The dimension rounded up to whole vectors: the length x must be zero-padded to.</summary>
    public int Stride { get; }

    /// <summary>The first column a row keeps: the start of the vector holding its diagonal.</summary>
    public static int RowStart(int row) => row / VectorWidth * VectorWidth;

    /// <summary>Copies the symmetric row-major <paramref name="matrix"/> (d×d doubles) into the layout.</summary>
    public void CopyFrom(ReadOnlySpan<double> matrix)
    {
        var d = Dimension;
        for (var i = 0; i < d; i++)
        {
            var start = RowStart(i);
            var row = _packed.AsSpan(_rowOffset[i], _rowOffset[i + 1] - _rowOffset[i]);
            row.Clear();
            row[i - start] = (float)matrix[i * d + i];
            for (var j = i + 1; j < d; j++)
            {
                row[j - start] = (float)(2 * matrix[i * d + j]);
            }
        }
    }

    /// <summary>xᵀMx for the x of <paramref name="plan"/> (prepared for this dimension).</summary>
    public float QuadraticForm(QuadraticFormPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Dimension != Dimension || plan.Stride != Stride)
        {
            throw new ArgumentException($"The plan is for dimension {plan.Dimension}; this mirror is {Dimension}.", nameof(plan));
        }

        return Uses512 ? Sum512(plan) : SumPortable(plan.PaddedX, plan.NonZero);
    }

    /// <summary>
    /// By columns: v = Σ_i x_i·U_i is kept in registers, four 16-float vectors (64 columns) at a time, and xᵀMx = v·x.
    /// A row adds one broadcast-multiply-add per vector it covers, with no per-row horizontal work, and rows go two at a
    /// time into two sets of accumulators so that consecutive rows do not wait on each other's additions. Rows come in
    /// runs by how many of a group's vectors they cover (all four for rows starting at or left of the group, then three,
    /// two, one); the plan has every row's offsets and weight and every run's end, shared by all arms of a decision.
    /// </summary>
    /// <remarks>Replaced a row-at-a-time form (four rows' dot products, then their totals) that spent most of its
    /// instructions on per-row bookkeeping (docs/benchmarks/policy-decisions.md, 2026-12-06).</remarks>
    private float Sum512(QuadraticFormPlan plan)
    {
        const int width = 16;
        ref var m = ref MemoryMarshal.GetArrayDataReference(_packed);
        ref var x = ref MemoryMarshal.GetArrayDataReference(plan.PaddedX);
        ref var weight = ref MemoryMarshal.GetArrayDataReference(plan.Weight);
        ref var rowOffset = ref MemoryMarshal.GetArrayDataReference(plan.RowOffset);
        ref var groupBase = ref MemoryMarshal.GetArrayDataReference(plan.GroupBase);
        var runEnd = plan.RunEnd;
        var total = Vector512<float>.Zero;
        var r = 0;
        for (var group = 0; group < runEnd.Length / 4; group++)
        {
            var first = group * GroupWidth;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;

            // Rows starting at or left of the group (earlier groups' rows included): all four vectors, from column first.
            var end = runEnd[group * 4];
            for (r = 0; r + 1 < end; r += 2)
            {
                ref var at0 = ref Unsafe.Add(ref m, Unsafe.Add(ref groupBase, r) + first);
                ref var at1 = ref Unsafe.Add(ref m, Unsafe.Add(ref groupBase, r + 1) + first);
                var w0 = Vector512.Create(Unsafe.Add(ref weight, r));
                var w1 = Vector512.Create(Unsafe.Add(ref weight, r + 1));
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0), w0, a0);
                b0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1), w1, b0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, width), w0, a1);
                b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1, width), w1, b1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, 2 * width), w0, a2);
                b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1, 2 * width), w1, b2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, 3 * width), w0, a3);
                b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1, 3 * width), w1, b3);
            }

            if (r < end)
            {
                ref var at0 = ref Unsafe.Add(ref m, Unsafe.Add(ref groupBase, r) + first);
                var w0 = Vector512.Create(Unsafe.Add(ref weight, r));
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0), w0, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, width), w0, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, 2 * width), w0, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, 3 * width), w0, a3);
                r++;
            }

            // Rows starting at the group's second vector: three vectors, from their own start.
            for (end = runEnd[(group * 4) + 1]; r + 1 < end; r += 2)
            {
                ref var at0 = ref Unsafe.Add(ref m, Unsafe.Add(ref rowOffset, r));
                ref var at1 = ref Unsafe.Add(ref m, Unsafe.Add(ref rowOffset, r + 1));
                var w0 = Vector512.Create(Unsafe.Add(ref weight, r));
                var w1 = Vector512.Create(Unsafe.Add(ref weight, r + 1));
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0), w0, a1);
                b1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1), w1, b1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, width), w0, a2);
                b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1, width), w1, b2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, 2 * width), w0, a3);
                b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1, 2 * width), w1, b3);
            }

            if (r < end)
            {
                ref var at0 = ref Unsafe.Add(ref m, Unsafe.Add(ref rowOffset, r));
                var w0 = Vector512.Create(Unsafe.Add(ref weight, r));
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0), w0, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, width), w0, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, 2 * width), w0, a3);
                r++;
            }

            // Third vector: two.
            for (end = runEnd[(group * 4) + 2]; r + 1 < end; r += 2)
            {
                ref var at0 = ref Unsafe.Add(ref m, Unsafe.Add(ref rowOffset, r));
                ref var at1 = ref Unsafe.Add(ref m, Unsafe.Add(ref rowOffset, r + 1));
                var w0 = Vector512.Create(Unsafe.Add(ref weight, r));
                var w1 = Vector512.Create(Unsafe.Add(ref weight, r + 1));
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0), w0, a2);
                b2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1), w1, b2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, width), w0, a3);
                b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at1, width), w1, b3);
            }

            if (r < end)
            {
                ref var at0 = ref Unsafe.Add(ref m, Unsafe.Add(ref rowOffset, r));
                var w0 = Vector512.Create(Unsafe.Add(ref weight, r));
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0), w0, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref at0, width), w0, a3);
                r++;
            }

            // Last vector: one.
            for (end = runEnd[(group * 4) + 3]; r + 1 < end; r += 2)
            {
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref m, (nuint)Unsafe.Add(ref rowOffset, r)), Vector512.Create(Unsafe.Add(ref weight, r)), a3);
                b3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref m, (nuint)Unsafe.Add(ref rowOffset, r + 1)), Vector512.Create(Unsafe.Add(ref weight, r + 1)), b3);
            }

            if (r < end)
            {
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref m, (nuint)Unsafe.Add(ref rowOffset, r)), Vector512.Create(Unsafe.Add(ref weight, r)), a3);
            }

            total = Vector512.FusedMultiplyAdd(a0 + b0, Vector512.LoadUnsafe(ref x, (nuint)first), total);
            total = Vector512.FusedMultiplyAdd(a1 + b1, Vector512.LoadUnsafe(ref x, (nuint)(first + width)), total);
            total = Vector512.FusedMultiplyAdd(a2 + b2, Vector512.LoadUnsafe(ref x, (nuint)(first + (2 * width))), total);
            total = Vector512.FusedMultiplyAdd(a3 + b3, Vector512.LoadUnsafe(ref x, (nuint)(first + (3 * width))), total);
        }

        return Vector512.Sum(total);
    }

    /// <summary>The same sum with <see cref="Vector{T}"/> (whatever width the hardware offers), a row at a time.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private float SumPortable(ReadOnlySpan<float> paddedX, ReadOnlySpan<int> nonZero)
    {
        var width = Vector<float>.Count;
        var total = Vector<float>.Zero;
        foreach (var i in nonZero)
        {
            var start = RowStart(i);
            var row = MemoryMarshal.Cast<float, Vector<float>>(_packed.AsSpan(_rowOffset[i], _rowOffset[i + 1] - _rowOffset[i]));
            var xs = MemoryMarshal.Cast<float, Vector<float>>(paddedX.Slice(start, Stride - start));
            var acc = Vector<float>.Zero;
            for (var k = 0; k < row.Length; k++)
            {
                acc += row[k] * xs[k];
            }

            total += acc * paddedX[i];
        }

        return Vector.Sum(total);
    }
}
