namespace AgentRouter.Inference.Training;

/// <summary>Linear warm-up to the peak rate, then a cosine decay to <c>peak × minRatio</c> at the last step.</summary>
public sealed class LearningRateSchedule
{
    private readonly double peak;
    private readonly double floor;
    private readonly int warmupSteps;
    private readonly int totalSteps;

    public LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double minRatio)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(peak);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warmupSteps, totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(minRatio);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minRatio, 1.0);
        this.peak = peak;
        floor = peak * minRatio;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /// <summary>The rate for 0-based <paramref name="step"/>; steps past the end stay at the floor.</summary>
    public double At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < warmupSteps)
        {
            // (step + 1) so that the first update already moves: a zero rate would waste a step.
            return peak * (step + 1) / warmupSteps;
        }

        var decaySteps = totalSteps - warmupSteps;
        if (decaySteps <= 1)
        {
            return peak;
        }

        var progress = Math.Min(1.0, (step - warmupSteps) / (double)(decaySteps - 1));
        return floor + (peak - floor) * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
    }
}
