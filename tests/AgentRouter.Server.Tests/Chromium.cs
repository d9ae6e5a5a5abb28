using System.Diagnostics;

namespace AgentRouter.Server.Tests;

/// <summary>Debian's headless Chromium, run as a separate process with a throw-away profile.</summary>
internal static class Chromium
{
    public static string Require()
    {
        var path = new[] { Environment.GetEnvironmentVariable("AGENTROUTER_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        Assert.True(path is not null,
            "Chromium is not installed, so the dashboard cannot be tested. Install it with 'apt-get install -y chromium' " +
            "(scripts/test.sh does this when run as root) or set AGENTROUTER_CHROMIUM to its path.");
        return path!;
    }

    /// <summary>Runs Chromium headless with <paramref name="arguments"/> after the common flags; returns stdout.</summary>
    public static async Task<string> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var profile = Directory.CreateTempSubdirectory("agentrouter-chromium-");
        try
        {
            var start = new ProcessStartInfo(Require()) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.FullName,
            }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {timeout.TotalSeconds:0} s: {await errors}");
            }

            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {await errors}");
            return await output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
