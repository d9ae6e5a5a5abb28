namespace AgentRouter.Docs.Tests;

/// <summary>Every C# block in README.md and docs/ is complete as written: it compiles as the Program.cs of a new console
/// app that references the AgentRouter packages, and it runs to the end offline unless the line above it says
/// <c>&lt;!-- snippet: compile-only (reason) --&gt;</c>.</summary>
public sealed class CSharpSnippetTests
{
    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (var block in CSharpBlocks())
        {
            data.Add(block.File, block.Line);
        }
        return data;
    }

    private static IEnumerable<CodeBlock> CSharpBlocks() =>
        MarkdownDocs.AllCodeBlocks().Where(block => block.Language is "csharp" or "cs" or "c#");

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task The_snippet_compiles_and_runs(string file, int line)
    {
        var block = CSharpBlocks().Single(candidate => candidate.File == file && candidate.Line == line);

        var compiled = SnippetCompiler.Compile(block);

        Assert.True(compiled.Errors.Count == 0, $"{block} does not compile as written:\n{string.Join('\n', compiled.Errors)}");
        if (block.Marker?.StartsWith("snippet: compile-only", StringComparison.Ordinal) != true)
        {
            await SnippetCompiler.RunAsync(compiled.Assembly!, TimeSpan.FromSeconds(60));
        }
    }

    [Fact]
    public void A_snippet_missing_its_using_lines_fails_with_the_markdown_line()
    {
        var block = new CodeBlock("X.md", 40, "csharp", "var x = 1;\nvar builder = Host.CreateApplicationBuilder();\n", null);

        var compiled = SnippetCompiler.Compile(block);

        Assert.Contains(compiled.Errors, error => error.StartsWith("X.md:41: CS0103", StringComparison.Ordinal) && error.Contains("'Host'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_docs_have_csharp_snippets_to_check() => Assert.True(CSharpBlocks().Count() >= 3);
}
