using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AgentRouter.Server.Tests;

/// <summary>Runs every curl block of the server docs (docs/SERVER.md and README.md's "HTTP server" section)
/// against a fresh server, as written except for the port.</summary>
public sealed partial class CurlExamplesTests
{
    [GeneratedRegex("```bash\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// <summary>docs/SERVER.md, plus the README's "HTTP server" section when the README has one.</summary>
    private static string Documentation()
    {
        var docs = File.ReadAllText(TestServer.RepositoryPath("docs", "SERVER.md"));
        var readme = File.ReadAllText(TestServer.RepositoryPath("README.md"));
        var section = readme.IndexOf("## HTTP server", StringComparison.Ordinal);
        if (section < 0)
        {
            return docs;
        }

        var end = readme.IndexOf("\n## ", section + 3, StringComparison.Ordinal);
        return (end < 0 ? readme[section..] : readme[section..end]) + "\n" + docs;
    }

    [Fact]
    public async Task Documented_curl_examples_run_against_a_live_server()
    {
        var curl = new[] { "/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl" }.FirstOrDefault(File.Exists);
        Assert.True(curl is not null, "curl is not installed: the documented examples cannot run (apt-get install -y curl)");
        var blocks = BashBlock().Matches(Documentation()).Select(m => m.Groups["code"].Value).Where(b => b.Contains("curl ", StringComparison.Ordinal)).ToList();
        Assert.True(blocks.Count >= 5, $"expected the documented curl examples, found {blocks.Count} blocks");

        await using var server = await TestServer.StartAsync();
        var address = server.BaseAddress.ToString().TrimEnd('/');
        var script = "set -euo pipefail\n" + string.Join("\necho\n", blocks).Replace("http://127.0.0.1:8080", address, StringComparison.Ordinal);
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        Assert.True(process.ExitCode == 0, $"the examples failed (exit {process.ExitCode}): {await errors}\n{text}");
        Assert.Contains("\"object\":\"list\"", text, StringComparison.Ordinal);
        Assert.Contains("\"object\":\"chat.completion\"", text, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]", text, StringComparison.Ordinal);
        Assert.Contains("\"accepted\":true", text, StringComparison.Ordinal);
        Assert.Contains("\"object\":\"agentrouter.route\"", text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"model_not_found\"", text, StringComparison.Ordinal);
        Assert.Contains("agentrouter_http_requests_total", text, StringComparison.Ordinal);
    }
}
