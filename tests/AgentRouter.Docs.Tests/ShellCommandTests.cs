using System.CommandLine;
using AgentRouter.Cli;

namespace AgentRouter.Docs.Tests;

/// <summary>Every <c>agentrouter</c> command written in README.md and docs/ parses with the CLI's own parser: the
/// command path exists, every flag is known and every value has the right type.</summary>
public sealed class ShellCommandTests
{
    [Fact]
    public void Every_documented_agentrouter_command_parses_with_the_cli_parser()
    {
        var root = AgentRouterCli.Build();
        var commands = ShellCommands.All().ToList();
        var failures = new List<string>();
        foreach (var command in commands)
        {
            // A command named in prose (`agentrouter train`) need not carry its required arguments; its path and flags must exist.
            var errors = root.Parse(command.Arguments.ToArray()).Errors
                .Where(error => !command.Inline || !error.Message.Contains("required", StringComparison.OrdinalIgnoreCase))
                .Where(error => !error.Message.StartsWith("Cannot parse argument '$", StringComparison.Ordinal)) // "$(cat pid)": known only when run
                .ToList();
            if (errors.Count > 0)
            {
                failures.Add($"{command.File}:{command.Line}: `{command.ShellLine}`: {string.Join("; ", errors.Select(error => error.Message))}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} documented command(s) do not parse:\n{string.Join('\n', failures)}");
        Assert.True(commands.Count >= 20, $"only {commands.Count} agentrouter commands found in the docs: is the extractor broken?");
    }

    [Fact]
    public void The_checker_finds_an_unknown_flag_and_names_it()
    {
        var block = new CodeBlock("X.md", 10, "bash", "ls\ndotnet run --project src/AgentRouter.Cli -c Release -- replay --panel 3 \\\n  --no-such-flag 2>&1 | tee out.txt  # comment --bad\n", null);

        var command = Assert.Single(ShellCommands.InBlock(block));
        var errors = AgentRouterCli.Build().Parse(command.Arguments.ToArray()).Errors;

        Assert.Equal(11, command.Line);
        Assert.Equal(["replay", "--panel", "3", "--no-such-flag"], command.Arguments);
        Assert.Contains(errors, error => error.Message.Contains("--no-such-flag", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("agentrouter serve --urls 'http://127.0.0.1:8080' > log.txt &", "serve --urls http://127.0.0.1:8080")]
    [InlineData("AGENTROUTER_X=1 timeout 60 agentrouter node --roles \"router models\" && echo ok", "node --roles router models")]
    [InlineData("echo x; agentrouter version # agentrouter bogus", "version")]
    [InlineData("dotnet src/AgentRouter.Cli/bin/Release/net10.0/agentrouter.dll bench moe 2>/dev/null", "bench moe")]
    public void Shell_words_follow_quotes_comments_separators_and_redirections(string line, string expected)
    {
        var block = new CodeBlock("X.md", 1, "bash", line + "\n", null);

        var command = Assert.Single(ShellCommands.InBlock(block));

        Assert.Equal(expected, string.Join(' ', command.Arguments));
    }
}
