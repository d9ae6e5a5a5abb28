using System.Text.Json.Nodes;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

public class DeterministicRandomTests
{
    [Theory]
    [InlineData(2.0, 5.0)]
    [InlineData(0.5, 0.5)]
    [InlineData(30.0, 3.0)]
    public void Beta_samples_have_the_right_mean_and_variance(double alpha, double beta)
    {
        var random = new DeterministicRandom(3);
        const int n = 40_000;
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < n; i++)
        {
            var x = random.NextBeta(alpha, beta);
            Assert.InRange(x, 0, 1);
            sum += x;
            sumSquares += x * x;
        }

        var mean = sum / n;
        var variance = sumSquares / n - mean * mean;
        var expectedMean = alpha / (alpha + beta);
        var expectedVariance = alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1));
        Assert.Equal(expectedMean, mean, 0.01);
        Assert.Equal(expectedVariance, variance, 0.1 * expectedVariance + 1e-4);
    }

    [Fact]
    public void Gaussian_samples_are_standard_normal()
    {
        var random = new DeterministicRandom(8);
        const int n = 200_000;
        double sum = 0, sumSquares = 0;
        int beyondOne = 0, beyondTwo = 0, beyondTail = 0;
        for (var i = 0; i < n; i++)
        {
            var x = random.NextGaussian();
            sum += x;
            sumSquares += x * x;
            beyondOne += Math.Abs(x) > 1 ? 1 : 0;
            beyondTwo += Math.Abs(x) > 2 ? 1 : 0;
            beyondTail += Math.Abs(x) > 3.442619855899 ? 1 : 0; // only the ziggurat's tail sampler produces these
        }

        Assert.Equal(0, sum / n, 0.01);
        Assert.Equal(1, sumSquares / n, 0.01);
        Assert.Equal(0.3173, (double)beyondOne / n, 0.005);   // P(|Z| > 1)
        Assert.Equal(0.0455, (double)beyondTwo / n, 0.002);   // P(|Z| > 2)
        Assert.Equal(0.000576, (double)beyondTail / n, 0.0003);
    }

    [Fact]
    public void Restored_state_continues_the_same_sequence()
    {
        var original = new DeterministicRandom(99);
        original.NextGaussian();
        var copy = new DeterministicRandom(0);
        copy.Restore(JsonNode.Parse(original.ToJson().ToJsonString()));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(original.NextGaussian(), copy.NextGaussian());
            Assert.Equal(original.NextUInt64(), copy.NextUInt64());
        }
    }

    [Fact]
    public void Integers_stay_in_range_and_cover_it()
    {
        var random = new DeterministicRandom(4);
        var seen = new bool[7];
        for (var i = 0; i < 1000; i++)
        {
            seen[random.NextInt(7)] = true;
        }

        Assert.All(seen, Assert.True);
    }
}
