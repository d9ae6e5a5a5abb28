using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

/// <summary><see cref="PanelSelection.ArgMax"/> finds the maximum with vector instructions; every answer must be the one the
/// plain scan (first strictly greater score wins) gives, including ties, signed zeros, infinities, NaNs and lengths that are
/// not a whole number of vectors.</summary>
public sealed class ArgMaxTests
{
    private static int Scan(double[] scores)
    {
        var best = 0;
        for (var i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }

    [Theory]
    [InlineData(new[] { 1.0 })]
    [InlineData(new[] { 1.0, 3.0, 2.0 })]
    [InlineData(new[] { 5.0, 5.0, 5.0, 5.0, 5.0 })]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0, 4.0, 3.0, 2.0, 1.0, 4.0 })]
    [InlineData(new[] { -0.0, 0.0, -0.0, 0.0, -0.0 })]
    [InlineData(new[] { 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0 })]
    [InlineData(new[] { double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity })]
    [InlineData(new[] { 1.0, double.PositiveInfinity, 2.0, double.PositiveInfinity, 3.0, 4.0 })]
    [InlineData(new[] { 1.0, double.NaN, 7.0, 2.0, 3.0, 4.0, 5.0 })]
    [InlineData(new[] { double.NaN, 1.0, 2.0, 3.0, 4.0, 5.0 })]
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, double.NaN, 9.0 })]
    [InlineData(new[] { 1e9, 0.5, 1e9, 0.25, 0.75, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1e9 })]
    public void Agrees_with_the_scan_on_edge_cases(double[] scores) => Assert.Equal(Scan(scores), PanelSelection.ArgMax(scores));

    [Fact]
    public void Agrees_with_the_scan_on_random_scores_of_every_length()
    {
        var random = new Random(17);
        for (var length = 1; length <= 40; length++)
        {
            for (var trial = 0; trial < 200; trial++)
            {
                // Few distinct values, so that ties are common; the last position wins as often as any other.
                var scores = new double[length];
                for (var i = 0; i < length; i++)
                {
                    scores[i] = random.Next(4) / 4.0;
                }

                Assert.Equal(Scan(scores), PanelSelection.ArgMax(scores));
            }
        }
    }
}
