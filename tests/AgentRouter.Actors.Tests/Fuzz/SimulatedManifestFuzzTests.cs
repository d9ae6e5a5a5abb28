using AgentRouter.Actors.Backends;
using AgentRouter.Core.Agents;
using AgentRouter.Tests.Fuzzing;
using Xunit.Abstractions;

namespace AgentRouter.Actors.Tests.Fuzz;

/// <summary>Issue 16 point 4, the rest of a simulated agent's start-up path: mutants of the shipped simulated manifests go
/// through the manifest reader and then the simulated backend's settings reader (skill tables, rates, latencies), and
/// end as an agent or as <see cref="ManifestError"/>s naming the file — never an exception, never a hang.</summary>
public sealed class SimulatedManifestFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Simulated_manifests_become_backend_settings_or_errors()
    {
        var seeds = Directory.EnumerateFiles(RepositoryPaths.SimulatedAgents, "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        Assert.NotEmpty(seeds);
        var report = await FuzzRunner.RunAsync(
            "simulated manifest → backend settings",
            random => JsonMutator.Mutate(seeds, random),
            fuzzCase =>
            {
                var parsed = AgentManifestLoader.Parse(fuzzCase.Text, "fuzz.json");
                if (parsed.Manifests is not [var manifest])
                {
                    Assert.NotEmpty(parsed.Errors);
                    return "ManifestError";
                }

                var errors = new List<ManifestError>();
                var settings = SimulatedBackendSettings.FromManifest(manifest, errors);
                Assert.All(errors, error => Assert.Equal("fuzz.json", error.File));
                if (errors.Count > 0)
                {
                    return "ManifestError (settings)";
                }

                Assert.InRange(settings.Skill, 0, 1);
                return "agent";
            },
            _ => null);
        output.WriteLine(report.Summary);
        report.AssertNoFailures();
    }
}
