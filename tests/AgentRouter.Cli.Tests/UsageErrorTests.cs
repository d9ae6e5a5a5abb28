namespace AgentRouter.Cli.Tests;

/// <summary>A command line that does not parse is a usage error: exit code 2 and a message naming the option, before
/// any command runs (nothing is started, loaded or written).</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("serve --panel-size many", "--panel-size")]
    [InlineData("serve --no-such-option", "--no-such-option")]
    [InlineData("train", "--config")]
    [InlineData("model logits some-folder", "--ids")]
    [InlineData("train --config x.json --threads 0", "--threads")]
    [InlineData("bench moe --profile --model llama", "--model")]
    [InlineData("bench moe --model qwen3", "--model")]
    public async Task Bad_options_exit_with_2_naming_the_option(string commandLine, string option)
    {
        var error = new StringWriter();
        var code = await AgentRouterCli.RunAsync(commandLine.Split(' '), error);
        Assert.Equal(2, code);
        Assert.Contains(option, error.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("error: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_is_not_an_error()
    {
        var error = new StringWriter();
        Assert.Equal(0, await AgentRouterCli.RunAsync(["serve", "--help"], error));
        Assert.Empty(error.ToString());
    }
}
