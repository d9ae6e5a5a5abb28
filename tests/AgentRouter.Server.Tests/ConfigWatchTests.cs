using AgentRouter.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace AgentRouter.Server.Tests;

public sealed class ConfigWatchTests
{
    [Fact]
    public async Task The_server_does_not_watch_its_working_directory_for_configuration_changes()
    {
        // A reloading file source makes the host watch the working directory recursively (one inotify watch per folder).
        var options = new ServerOptions { BuiltInAgents = true, PoliciesDirectory = TestServer.RepositoryPath("policies") };
        await using var app = AgentRouterServer.Build(options);

        var fileSources = ((IConfigurationBuilder)app.Configuration).Sources.OfType<FileConfigurationSource>().ToList();

        Assert.NotEmpty(fileSources); // appsettings.json is still read once, if present
        Assert.All(fileSources, source => Assert.False(source.ReloadOnChange, $"{source.Path} reloads on change"));
    }
}
