using AgentRouter.Core.Agents;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Safetensors;
using AgentRouter.Inference.Training;
using AgentRouter.LocalAgents;
using TorchSharp;

namespace AgentRouter.Cli.Commands;

/// <summary>Scores every <c>local</c> agent of a manifest directory on suite items (batched letter logits, as
/// <see cref="AnswerEvaluator"/>; a LoRA agent through its adapter): the figures of <c>agentrouter eval</c>, and the "best agent per domain" that
/// <c>agentrouter run</c> measures routing against.</summary>
internal static class LocalAgentEvaluation
{
    /// <summary>One report per local agent, in manifest order; or the problems (file: field: message) that stopped it.</summary>
    public static (IReadOnlyList<(string Agent, EvaluationReport Report)> Reports, IReadOnlyList<string> Errors) Evaluate(
        string agentsDirectory, IReadOnlyList<SuiteItem> items)
    {
        var loaded = AgentManifestLoader.LoadDirectory(agentsDirectory);
        var errors = loaded.Errors.ToList();
        var locals = new List<(AgentManifest Manifest, LocalBackendSettings Settings)>();
        foreach (var manifest in loaded.Manifests.Where(manifest => manifest.Backend == LocalBackendRegistration.Kind))
        {
            if (LocalBackendSettings.FromManifest(manifest, errors) is { } settings)
            {
                locals.Add((manifest, settings));
            }
        }

        if (errors.Count > 0)
        {
            return ([], errors.Select(error => $"{error.File}: {error.Field}: {error.Message}").ToList());
        }

        var reports = new List<(string Agent, EvaluationReport Report)>();
        foreach (var (manifest, settings) in locals)
        {
            try
            {
                using var model = ModelCheckpoint.Load(settings.ModelDirectory, torch.CPU);
                using var adapter = settings.AdapterDirectory is { } adapterDirectory
                    ? LoraAdapterLoader.Load(adapterDirectory, LoraBaseModel.FromDirectory(settings.ModelDirectory, model.Config), torch.CPU)
                    : null;
                reports.Add((manifest.Name, AnswerEvaluator.Evaluate(model, items, batchSize: 64, adapter)));
            }
            catch (LoraAdapterException exception)
            {
                return ([], [$"{manifest.SourceFile}: settings.adapterPath: {exception.Message}"]);
            }
            catch (Exception exception) when (exception is CheckpointException or ModelConfigException or SafetensorsFormatException)
            {
                return ([], [$"{manifest.SourceFile}: settings.modelPath: {exception.Message}"]);
            }
        }

        return (reports, []);
    }

    /// <summary>Per domain, the agent with the highest accuracy (ties: the first by name) and that accuracy.</summary>
    public static IReadOnlyDictionary<string, (string Agent, double Accuracy)> BestPerDomain(
        IReadOnlyList<(string Agent, EvaluationReport Report)> reports) =>
        reports
            .SelectMany(entry => entry.Report.Domains.Select(domain => (entry.Agent, domain.Domain, domain.Accuracy)))
            .GroupBy(entry => entry.Domain, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => group.OrderByDescending(entry => entry.Accuracy).ThenBy(entry => entry.Agent, StringComparer.Ordinal)
                    .Select(entry => (entry.Agent, entry.Accuracy)).First(),
                StringComparer.Ordinal);
}
