namespace AgentRouter.Core.Policies;

/// <summary>
/// The part of xᵀMx that depends on x alone, worked out once per decision and shared by every arm's
/// <see cref="SymmetricMirror"/> of the same dimension (they share one layout): x zero-padded to the layout's stride,
/// the ascending indices of x's non-zero entries, and for the 512-bit kernel each such row's weight and offsets plus,
/// per 64-column group, where the runs of rows covering four, three, two and one of its vectors end. The arms then
/// only stream their own floats. Reused across decisions (one owner, like the policy that holds it): no allocation
/// after construction.
/// </summary>
internal sealed class QuadraticFormPlan
{
    private readonly int[] _layoutOffsets;
    private readonly int[] _nonZero;

    public QuadraticFormPlan(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
        Stride = SymmetricMirror.PaddedLength(dimension);
        _layoutOffsets = SymmetricMirror.RowOffsets(dimension, Stride);
        PaddedX = new float[Stride];
        _nonZero = new int[dimension];
        Weight = new float[dimension];
        RowOffset = new int[dimension];
        GroupBase = new int[dimension];
        RunEnd = new int[Stride / SymmetricMirror.GroupWidth * 4];
    }

    public int Dimension { get; }

    /// <summary>The layout's row length (x's padded length).</summary>
    public int Stride { get; }

    /// <summary>x in single precision, zero-padded to <see cref="Stride"/>.</summary>
    public float[] PaddedX { get; }

    /// <summary>How many entries of x are non-zero.</summary>
    public int Count { get; private set; }

    /// <summary>Ascending indices of x's non-zero entries.</summary>
    public ReadOnlySpan<int> NonZero => _nonZero.AsSpan(0, Count);

    /// <summary>x at the r-th non-zero row.</summary>
    internal float[] Weight { get; }

    /// <summary>Where the r-th non-zero row's floats begin in a mirror's packed array (at its own start column).</summary>
    internal int[] RowOffset { get; }

    /// <summary>The r-th non-zero row's offset minus its start column: adding a group's first column gives that column's
    /// float in the row (for rows starting at or left of the group).</summary>
    internal int[] GroupBase { get; }

    /// <summary>Per 64-column group g and k = 0..3: one past the last non-zero row whose start column is left of the
    /// group's first column + (k + 1)·16, i.e. the end of the run of rows covering 4 − k of the group's vectors.</summary>
    internal int[] RunEnd { get; }

    /// <summary>Takes <paramref name="features"/> as x.</summary>
    /// <exception cref="ArgumentException">Its length is not <see cref="Dimension"/>.</exception>
    public void Prepare(ReadOnlySpan<float> features)
    {
        if (features.Length != Dimension)
        {
            throw new ArgumentException($"x has {features.Length} entries; the plan is for {Dimension}.", nameof(features));
        }

        // The padding beyond the dimension was zeroed at construction and is never written.
        features.CopyTo(PaddedX);
        var count = 0;
        for (var i = 0; i < features.Length; i++)
        {
            if (features[i] != 0)
            {
                var start = SymmetricMirror.RowStart(i);
                _nonZero[count] = i;
                Weight[count] = features[i];
                RowOffset[count] = _layoutOffsets[i];
                GroupBase[count] = _layoutOffsets[i] - start;
                count++;
            }
        }

        Count = count;
        var width = SymmetricMirror.GroupWidth / 4;
        var r = 0;
        for (var slot = 0; slot < RunEnd.Length; slot++)
        {
            // Slot g·4 + k: rows whose index is below first + (k + 1)·width start left of that column.
            var limit = (slot / 4 * SymmetricMirror.GroupWidth) + ((slot % 4) + 1) * width;
            while (r < count && _nonZero[r] < limit)
            {
                r++;
            }

            RunEnd[slot] = r;
        }
    }
}
