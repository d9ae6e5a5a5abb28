namespace AgentRouter.Inference.Generation;

/// <summary>How close two runs' logits are, as issue 20's accuracy bar states it (logits cosine per position): one
/// definition for the int8 accuracy tests and <c>bench llamacpp</c>'s accuracy rows, so both report the same figure.</summary>
public static class LogitsComparison
{
    /// <summary>Cosine similarity of two logit rows of equal length, summed in double precision.</summary>
    public static double Cosine(float[] left, float[] right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Length != right.Length)
        {
            throw new ArgumentException($"logit rows differ in length ({left.Length} vs {right.Length})", nameof(right));
        }

        double dot = 0, leftNorm = 0, rightNorm = 0;
        for (var i = 0; i < left.Length; i++)
        {
            dot += (double)left[i] * right[i];
            leftNorm += (double)left[i] * left[i];
            rightNorm += (double)right[i] * right[i];
        }

        return dot / Math.Sqrt(leftNorm * rightNorm);
    }
}
