using System.Diagnostics;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Training;

/// <summary>Trains a sparse-MoE decoder on the task suite with AdamW, warm-up + cosine learning rate, the
/// load-balancing auxiliary loss and gradient clipping, then saves it in Hugging Face layout.</summary>
public sealed class MoeTrainer
{
    private readonly TrainingConfig config;
    private readonly MoeModelConfig modelConfig;

    public MoeTrainer(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.config = config;
        modelConfig = config.Model;
    }

    /// <summary>Trains, evaluates every <see cref="TrainingConfig.EvalEvery"/> steps and at the end, and saves.</summary>
    public TrainingResult Run(ITrainingProgress? progress = null, CancellationToken cancellation = default) =>
        Run(SuiteTrainingSet.TrainItems(config.Data), SuiteTrainingSet.EvalItems(config.Data), progress, cancellation);

    /// <summary>Trains on given items instead of the config's suite data (tests use tasks with a known answer rule).</summary>
    /// <param name="loadedBase">For an adapter run, the base already loaded from <see cref="AdapterTrainingConfig.BaseDirectory"/>
    /// (tests inspect it afterwards); the caller keeps ownership.</param>
    internal TrainingResult Run(
        IReadOnlyList<SuiteItem> trainItems, IReadOnlyList<SuiteItem> evalItems, ITrainingProgress? progress, CancellationToken cancellation,
        MoeForCausalLm? loadedBase = null)
    {
        var device = loadedBase?.Device ?? (cuda.is_available() ? CUDA : CPU);
        using var ownedModel = loadedBase is null ? CreateModel(device) : null;
        var model = loadedBase ?? ownedModel!;
        using var adapter = config.Adapter is { } adapterConfig ? AdapterTraining.Attach(model, config, adapterConfig, device) : null;
        model.to(device);
        model.train();
        using var optimizer = adapter is null ? CreateOptimizer(model) : AdapterTraining.CreateOptimizer(adapter, config.Optimizer);
        var trainable = adapter is null ? model.parameters().ToList() : adapter.TrainableParameters();
        var schedule = new LearningRateSchedule(config.Optimizer.LearningRate, config.WarmupSteps, config.Steps, config.Optimizer.MinLearningRateRatio);
        var order = new BatchOrder(trainItems.Count, config.Seed);
        var losses = new List<double>(config.Steps);
        var stopwatch = Stopwatch.StartNew();
        long tokens = 0;
        EvaluationReport? evaluation = null;

        for (var step = 0; step < config.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            var batchItems = order.Next(config.BatchSize).Select(index => trainItems[index]).ToList();
            var learningRate = schedule.At(step);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = learningRate;
            }

            var (loss, aux, gradientNorm, batchTokens) = TrainStep(model, adapter, trainable, optimizer, batchItems, device);
            losses.Add(loss);
            tokens += batchTokens;
            progress?.OnStep(new TrainingStepReport(
                step + 1, config.Steps, loss, aux, learningRate, gradientNorm, tokens / Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-9)));

            if ((step + 1) % config.EvalEvery == 0 || step + 1 == config.Steps)
            {
                evaluation = AnswerEvaluator.Evaluate(model, evalItems, Math.Max(config.BatchSize, 64), adapter);
                progress?.OnEvaluation(step + 1, evaluation);

                // Saved at every evaluation, so that a long run stopped early still leaves its latest model behind.
                Save(model, adapter);
            }
        }

        stopwatch.Stop();
        return new TrainingResult(config.OutputDirectory, losses, evaluation!, stopwatch.Elapsed, tokens / stopwatch.Elapsed.TotalSeconds);
    }

    private void Save(MoeForCausalLm model, LoraAdapter? adapter)
    {
        if (adapter is null)
        {
            TrainingOutput.Save(model, config);
        }
        else
        {
            TrainingOutput.SaveAdapter(adapter, config);
        }
    }

    private MoeForCausalLm CreateModel(Device device) => config.Adapter is { } adapterConfig
        ? ModelCheckpoint.Load(adapterConfig.BaseDirectory, device)
        : MoeForCausalLm.CreateRandom(modelConfig, (long)(config.Seed & long.MaxValue));

    private (double Loss, double Aux, double GradientNorm, int Tokens) TrainStep(
        MoeForCausalLm model, LoraAdapter? adapter, IReadOnlyList<Parameter> trainable, AdamW optimizer, IReadOnlyList<SuiteItem> items, Device device)
    {
        using var scope = NewDisposeScope();
        var sequence = config.Loss == TrainingLossTarget.Sequence;
        var mixed = !sequence && config.SequenceLossWeight > 0;
        using var batch = SuiteBatch.Create(items, includeAnswer: sequence || mixed, device);
        optimizer.zero_grad();
        using var output = model.Forward(batch.InputIds, adapter: adapter);
        var loss = sequence ? SequenceLoss(output.Logits, batch) : nn.functional.cross_entropy(batch.AnswerLogits(output.Logits), batch.AnswerIds);
        if (mixed)
        {
            loss = loss + SequenceLoss(output.Logits, batch) * config.SequenceLossWeight;
        }

        var aux = LoadBalancingLoss.Compute(output.RouterLogits, Math.Max(modelConfig.ExpertsPerToken, 1), batch.TokenMask);
        var total = config.AuxLossCoefficient > 0 && output.RouterLogits.Count > 0 ? loss + aux * config.AuxLossCoefficient : loss;
        total.backward();
        var gradientNorm = nn.utils.clip_grad_norm_(trainable, config.Optimizer.GradientClipNorm);
        optimizer.step();
        return (loss.item<float>(), aux.item<float>(), gradientNorm, batch.TokenCount);
    }

    private static Tensor SequenceLoss(Tensor logits, SuiteBatch batch) =>
        nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), batch.SequenceTargets!.reshape(-1), ignore_index: -100);

    /// <summary>Weight decay on matrices only: decaying norm gains and biases towards zero only hurts.</summary>
    private AdamW CreateOptimizer(MoeForCausalLm model)
    {
        var decayed = new List<Parameter>();
        var plain = new List<Parameter>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            (parameter.dim() >= 2 && !name.Contains("norm", StringComparison.Ordinal) ? decayed : plain).Add(parameter);
        }

        var optimizerConfig = config.Optimizer;
        return optim.AdamW(
            [
                new AdamW.ParamGroup(decayed, new AdamW.Options { weight_decay = optimizerConfig.WeightDecay }),
                new AdamW.ParamGroup(plain, new AdamW.Options { weight_decay = 0 }),
            ],
            optimizerConfig.LearningRate,
            optimizerConfig.Beta1,
            optimizerConfig.Beta2,
            optimizerConfig.Epsilon);
    }

    /// <summary>Walks a seeded permutation of the training items, reshuffling at each epoch.</summary>
    private sealed class BatchOrder(int count, ulong seed)
    {
        private readonly Random random = new((int)(seed ^ (seed >> 32)));
        private int[] permutation = [];
        private int position;

        public IEnumerable<int> Next(int size)
        {
            var taken = new int[size];
            for (var i = 0; i < size; i++)
            {
                if (position == permutation.Length)
                {
                    permutation = Enumerable.Range(0, count).ToArray();
                    random.Shuffle(permutation);
                    position = 0;
                }

                taken[i] = permutation[position++];
            }

            return taken;
        }
    }
}
