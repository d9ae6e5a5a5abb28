using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AgentRouter.Docs.Tests;

/// <summary>Compiles a documented C# snippet as the Program.cs of a new console app (<c>dotnet new console</c>: top-level
/// statements, nullable on, the SDK's implicit usings) against the project's assemblies and their dependencies.</summary>
public static class SnippetCompiler
{
    /// <summary>What <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a console project; nothing else is added.</summary>
    public static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList());

    public sealed record Compiled(byte[]? Assembly, IReadOnlyList<string> Errors);

    /// <param name="block">The snippet; error lines are reported as lines of its Markdown file.</param>
    public static Compiled Compile(CodeBlock block)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var program = CSharpSyntaxTree.ParseText(block.Code, options, path: block.File);
        var usings = CSharpSyntaxTree.ParseText(string.Concat(ImplicitUsings.Select(name => $"global using global::{name};\n")), options, path: "ImplicitUsings.g.cs");
        var compilation = CSharpCompilation.Create(
            $"Snippet_{Path.GetFileNameWithoutExtension(block.File)}_{block.Line}",
            [usings, program],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        var errors = emitted.Diagnostics
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)
            .Select(diagnostic => $"{block.File}:{block.Line + diagnostic.Location.GetLineSpan().StartLinePosition.Line}: {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        return new Compiled(emitted.Success ? stream.ToArray() : null, errors);
    }

    /// <summary>Runs a compiled snippet's entry point in this process, from the repository root (so relative paths
    /// such as <c>agents/simulated</c> resolve as they do for a reader who runs it there).</summary>
    public static async Task RunAsync(byte[] assembly, TimeSpan timeout)
    {
        var entry = Assembly.Load(assembly).EntryPoint ?? throw new InvalidOperationException("the snippet has no entry point");
        Directory.SetCurrentDirectory(MarkdownDocs.Root);
        var arguments = entry.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() };
        var result = entry.Invoke(null, arguments);
        if (result is Task task)
        {
            await task.WaitAsync(timeout);
        }
    }
}
