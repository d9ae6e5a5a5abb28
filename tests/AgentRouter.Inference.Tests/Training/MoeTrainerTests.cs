using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.Training;

namespace AgentRouter.Inference.Tests.Training;

public sealed class MoeTrainerTests
{
    [Fact]
    public void ATinyRunLowersTheLossAndSavesAHuggingFaceFolder()
    {
        using var output = new TemporaryDirectory();
        var config = TinyTrainingConfigs.Create(output.Path);
        var progress = new RecordingProgress();

        var result = new MoeTrainer(config).Run(progress);

        var first = result.Losses.Take(5).Average();
        var last = result.Losses.TakeLast(5).Average();
        Assert.True(last < first - 1.0, $"loss went from {first:F3} to {last:F3}");
        Assert.Equal(40, progress.Steps.Count);
        Assert.Equal([20, 40], progress.Evaluations.Select(evaluation => evaluation.Step));
        Assert.Equal(60, result.FinalEvaluation.Total);
        Assert.True(progress.Steps[^1].TokensPerSecond > 0);
        Assert.True(progress.Steps.All(step => step.AuxLoss > 0 && double.IsFinite(step.GradientNorm)));
        foreach (var file in new[] { "config.json", "model.safetensors", TrainingOutput.TrainingConfigFileName, TrainingOutput.TokenizerConfigFileName, TrainingOutput.SpecialTokensFileName })
        {
            Assert.True(File.Exists(output.Combine(file)), $"{file} was not written");
        }
    }

    [Fact]
    public void TheSavedModelScoresExactlyAsTheTrainedOneDid()
    {
        using var output = new TemporaryDirectory();
        var config = TinyTrainingConfigs.Create(output.Path, steps: 20, evalEvery: 20);
        var result = new MoeTrainer(config).Run();

        using var loaded = ModelCheckpoint.Load(output.Path);
        Assert.IsType<ByteLevelTokenizer>(TokenizerLoader.TryLoad(output.Path, loaded.Config));
        var report = AnswerEvaluator.Evaluate(loaded, SuiteTrainingSet.EvalItems(config.Data), 64);

        Assert.Equal(result.FinalEvaluation, report, EvaluationComparer.Instance);
    }

    [Fact]
    public void TheSameSeedGivesTheSameLosses()
    {
        using var first = new TemporaryDirectory();
        using var second = new TemporaryDirectory();

        var a = new MoeTrainer(TinyTrainingConfigs.Create(first.Path, steps: 6, evalEvery: 6)).Run();
        var b = new MoeTrainer(TinyTrainingConfigs.Create(second.Path, steps: 6, evalEvery: 6)).Run();

        Assert.Equal(a.Losses, b.Losses);
    }

    [Fact]
    public void SequenceLossTrainsToo()
    {
        using var output = new TemporaryDirectory();
        var result = new MoeTrainer(TinyTrainingConfigs.Create(output.Path, steps: 30, loss: "sequence", evalEvery: 30)).Run();

        Assert.True(result.Losses.TakeLast(5).Average() < result.Losses.Take(5).Average() - 1.0);
    }

    [Fact]
    public void TheSequenceLossWeightAddsTheWeightedWholeSequenceLossToTheAnswerLoss()
    {
        using var answerOnly = new TemporaryDirectory();
        using var sequenceOnly = new TemporaryDirectory();
        using var mixed = new TemporaryDirectory();

        // Same seeded weights and first batch: the first step's loss is measured before any update.
        var answer = new MoeTrainer(TinyTrainingConfigs.Create(answerOnly.Path, steps: 4, evalEvery: 4)).Run().Losses[0];
        var sequence = new MoeTrainer(TinyTrainingConfigs.Create(sequenceOnly.Path, steps: 4, loss: "sequence", evalEvery: 4)).Run().Losses[0];
        var both = new MoeTrainer(TinyTrainingConfigs.Create(mixed.Path, steps: 4, evalEvery: 4, sequenceLossWeight: 0.5)).Run().Losses[0];

        Assert.Equal(answer + 0.5 * sequence, both, 4);
    }

    private sealed class EvaluationComparer : IEqualityComparer<EvaluationReport>
    {
        public static readonly EvaluationComparer Instance = new();

        public bool Equals(EvaluationReport? x, EvaluationReport? y) =>
            x is not null && y is not null && x.Domains.SequenceEqual(y.Domains);

        public int GetHashCode(EvaluationReport obj) => obj.Total;
    }
}

public sealed class MoeTrainerLearningTests
{
    [Fact]
    public void LearnsToAnswerWhenTheLetterIsInTheQuestion()
    {
        // "Q: pick C? A) ..." → C: only attention to the question gives better than chance, so this shows the whole
        // path (batching, answer position, loss, optimiser, evaluation) really learns from the prompt.
        static List<AgentRouter.Core.Suite.SuiteItem> Items(int count, int offset) => Enumerable.Range(offset, count)
            .Select(i =>
            {
                var letter = AgentRouter.Core.Suite.SuitePrompt.Letters[(i * 7 + i / 4) % 4];
                var filler = (char)('a' + i % 26);
                return new AgentRouter.Core.Suite.SuiteItem($"copy-{i}", "strings", 1, $"pick {letter} {filler}?", ["w", "x", "y", "z"], letter);
            })
            .ToList();

        using var output = new TemporaryDirectory();
        var config = TinyTrainingConfigs.Create(output.Path, steps: 80, evalEvery: 80);

        var result = new MoeTrainer(config).Run(Items(800, 0), Items(200, 5000), null, CancellationToken.None);

        Assert.True(result.FinalEvaluation.Accuracy > 0.9, $"accuracy {result.FinalEvaluation.Accuracy:P0}");
    }
}
