using AgentRouter.Cli;

namespace AgentRouter.Docs.Tests;

/// <summary>docs/BENCH.md lists every <c>bench</c> subcommand (and <c>cluster-bench</c>) with a section and an options
/// table; a benchmark added to the CLI without a docs entry fails here, naming it.</summary>
public sealed class BenchPageTests
{
    [Fact]
    public void The_bench_page_has_a_section_and_an_options_table_for_every_bench_command()
    {
        var root = AgentRouterCli.Build();
        var page = File.ReadAllText(Path.Combine(MarkdownDocs.Root, "docs", "BENCH.md"));
        var commands = OptionsTableTests.Find(root, "bench")!.Subcommands.Where(command => !command.Hidden).Select(command => $"bench {command.Name}").Append("cluster-bench").ToList();

        var missing = commands
            .Where(command => !page.Contains($"## `{command}`", StringComparison.Ordinal) || !page.Contains($"<!-- options: {command} -->", StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, $"docs/BENCH.md lacks a '## `COMMAND`' section with a '<!-- options: COMMAND -->' table for: {string.Join(", ", missing)}");
    }
}
