using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Training;

/// <summary>The LoRA side of <see cref="MoeTrainer"/>: freezes the base and creates the adapter that is trained instead.</summary>
internal static class AdapterTraining
{
    /// <summary>Turns off gradients for every base parameter (so the base gets none and cannot move) and creates a
    /// fresh adapter whose B = 0, so training starts from exactly the base model's outputs.</summary>
    public static LoraAdapter Attach(MoeForCausalLm model, TrainingConfig config, AdapterTrainingConfig adapterConfig, Device device)
    {
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad_(false);
        }
        var fingerprint = BaseModelFingerprint.Compute(adapterConfig.BaseDirectory);
        return LoraAdapter.CreateForTraining(
            config.Name, model.Config, adapterConfig.ToAdapterConfig(config.OutputDirectory, fingerprint), (long)(config.Seed & long.MaxValue), device);
    }

    /// <summary>AdamW over the adapter's A and B only.</summary>
    public static AdamW CreateOptimizer(LoraAdapter adapter, OptimizerConfig optimizer) =>
        optim.AdamW(
            adapter.TrainableParameters(),
            optimizer.LearningRate,
            optimizer.Beta1,
            optimizer.Beta2,
            optimizer.Epsilon,
            optimizer.WeightDecay);
}
