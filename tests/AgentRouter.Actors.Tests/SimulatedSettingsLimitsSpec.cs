using System.Text.Json;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Agents;

namespace AgentRouter.Actors.Tests;

/// <summary>Issue 16 probe 5: <c>skillByTaskType</c> has a count and a key-length ceiling, each a file-and-field error.</summary>
public sealed class SimulatedSettingsLimitsSpec
{
    private static List<ManifestError> Read(Dictionary<string, double> skillByTaskType)
    {
        var json = JsonSerializer.Serialize(new { name = "s", backend = "simulated", settings = new { skillByTaskType } });
        var manifest = Assert.Single(AgentManifestLoader.Parse(json, "agents/s.json").Manifests);
        var errors = new List<ManifestError>();
        SimulatedBackendSettings.FromManifest(manifest, errors);
        return errors;
    }

    private static Dictionary<string, double> TaskTypes(int count, int nameChars = 8) =>
        Enumerable.Range(0, count).ToDictionary(i => i.ToString("D" + nameChars, System.Globalization.CultureInfo.InvariantCulture), _ => 0.5);

    [Fact]
    public void The_ceiling_itself_is_accepted() => Assert.Empty(Read(TaskTypes(SimulatedBackendSettings.MaxSkillTaskTypes)));

    [Theory]
    [InlineData(SimulatedBackendSettings.MaxSkillTaskTypes + 1)]
    [InlineData(100_000)]
    public void More_task_types_than_the_ceiling_is_an_error_naming_file_and_field(int count)
    {
        var error = Assert.Single(Read(TaskTypes(count)));
        Assert.Equal(("agents/s.json", "settings.skillByTaskType"), (error.File, error.Field));
        Assert.Contains($"the limit is {SimulatedBackendSettings.MaxSkillTaskTypes:N0}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_type_longer_than_a_client_may_send_is_an_error_that_does_not_echo_it()
    {
        var name = new string('t', 100_000);
        var error = Assert.Single(Read(new Dictionary<string, double> { [name] = 0.9, ["math"] = 0.5 }));
        Assert.Equal("settings.skillByTaskType", error.Field);
        Assert.DoesNotContain(name[..300], error.Message, StringComparison.Ordinal);
        Assert.Empty(Read(new Dictionary<string, double> { [new string('t', SimulatedBackendSettings.MaxTaskTypeChars)] = 0.9 }));
    }
}
