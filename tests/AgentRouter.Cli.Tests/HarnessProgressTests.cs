using AgentRouter.Cli.Commands;

namespace AgentRouter.Cli.Tests;

/// <summary>The progress lines written when output is redirected (CI logs, nohup) carry the ETA the live bar shows.</summary>
public sealed class HarnessProgressTests
{
    [Theory]
    [InlineData(10, 0, 100, "eta —")]
    [InlineData(10, 25, 100, "eta 0m30s")]
    [InlineData(600, 10, 100, "eta 1h30m")]
    [InlineData(42, 100, 100, "done")]
    public void Eta_is_the_remaining_calls_at_the_rate_so_far(int elapsedSeconds, int done, int total, string expected) =>
        Assert.Equal(expected, HarnessCommand.EtaText(TimeSpan.FromSeconds(elapsedSeconds), done, total));
}
