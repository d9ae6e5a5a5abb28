using System.CommandLine;
using System.Globalization;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Training;
using Spectre.Console;
using TorchSharp;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter train --config FILE</c>: trains a small MoE decoder on the task suite (docs/TRAINING.md).</summary>
internal static class TrainCommand
{
    public static Command Build()
    {
        var configOption = new Option<FileInfo>("--config")
        {
            Description = "Training config JSON (model section = a Hugging Face config.json).",
            Required = true,
        };
        var threadsOption = new Option<int>("--threads")
        {
            Description = "libtorch intra-op threads. 1 by default: with tiny models on a busy machine more threads spin-wait.",
            DefaultValueFactory = _ => 1,
        };
        threadsOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--threads must be at least 1.");
            }
        });
        var command = new Command("train", "Train a sparse-MoE decoder on the task suite and save it in Hugging Face layout.") { configOption, threadsOption };
        command.SetAction((parseResult, cancellation) =>
        {
            var file = parseResult.GetValue(configOption)!;
            TrainingConfig config;
            try
            {
                config = TrainingConfigReader.Load(file.FullName);
            }
            catch (TrainingConfigException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return Task.FromResult(1);
            }

            torch.set_num_threads(parseResult.GetValue(threadsOption));
            TrainingResult result;
            try
            {
                result = Train(config, cancellation);
            }
            catch (SuiteGenerationException error)
            {
                // The suite has a finite number of distinct questions per domain and difficulty.
                Console.Error.WriteLine($"error: {file.FullName}: data: {error.Message}");
                return Task.FromResult(1);
            }
            Console.WriteLine(
                $"trained {config.Name} in {result.Elapsed.TotalSeconds:F1} s ({result.TokensPerSecond:F0} tokens/s); " +
                $"final loss {result.Losses.TakeLast(10).Average():F4}; {result.FinalEvaluation}");
            Console.WriteLine($"saved to {result.OutputDirectory}");
            return Task.FromResult(0);
        });
        return command;
    }

    private static TrainingResult Train(TrainingConfig config, CancellationToken cancellation)
    {
        AnsiConsole.MarkupLine(
            $"training [bold]{Markup.Escape(config.Name)}[/]: {config.Model.Architecture}, {config.Model.NumLayers} layers, " +
            $"{config.Model.NumExperts} experts (top-{config.Model.ExpertsPerToken}), {config.Steps} steps × batch {config.BatchSize}" +
            (config.Adapter is { } adapter
                ? $"; LoRA adapter r={adapter.Rank} on {string.Join(",", adapter.TargetModules.Select(module => module.PeftName()))} over the frozen base {Markup.Escape(adapter.BaseDirectory)}"
                : ""));
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: config.Steps);
                result = new MoeTrainer(config).Run(new ProgressBarReporter(task), cancellation);
            });
        return result!;
    }

    private sealed class ProgressBarReporter(ProgressTask task) : ITrainingProgress
    {
        public void OnStep(TrainingStepReport report)
        {
            task.Value = report.Step;
            task.Description = string.Create(
                CultureInfo.InvariantCulture,
                $"loss {report.Loss:F3} aux {report.AuxLoss:F2} lr {report.LearningRate:E1} {report.TokensPerSecond:F0} tok/s");
        }

        public void OnEvaluation(int step, EvaluationReport report) =>
            AnsiConsole.MarkupLine(Markup.Escape($"step {step}: {report}"));
    }
}
