using AgentRouter.Inference.Training;

namespace AgentRouter.Inference.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void WarmsUpLinearlyThenDecaysByCosineToTheFloor()
    {
        var schedule = new LearningRateSchedule(peak: 1e-2, warmupSteps: 10, totalSteps: 110, minRatio: 0.1);

        Assert.Equal(1e-3, schedule.At(0), 12);
        Assert.Equal(5e-3, schedule.At(4), 12);
        Assert.Equal(1e-2, schedule.At(10), 12);
        Assert.Equal(1e-3 + 9e-3 * 0.5 * (1 + Math.Cos(Math.PI * 49 / 99.0)), schedule.At(59), 12);
        Assert.Equal(1e-3, schedule.At(109), 12);
        Assert.Equal(1e-3, schedule.At(500), 12);
    }

    [Fact]
    public void DecayIsMonotoneAfterWarmup()
    {
        var schedule = new LearningRateSchedule(3e-3, 20, 300, 0.0);

        for (var step = 21; step < 300; step++)
        {
            Assert.True(schedule.At(step) <= schedule.At(step - 1), $"rate rose at step {step}");
        }

        Assert.Equal(0.0, schedule.At(299), 12);
    }

    [Fact]
    public void WithoutWarmupTheFirstStepUsesThePeak()
    {
        Assert.Equal(2e-3, new LearningRateSchedule(2e-3, 0, 100, 0.5).At(0), 12);
    }

    [Fact]
    public void ImpossibleSchedulesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(0, 0, 10, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(1e-3, 11, 10, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LearningRateSchedule(1e-3, 0, 10, 1.5));
    }
}
