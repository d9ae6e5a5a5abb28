using AgentRouter.Inference.Configuration;

namespace AgentRouter.Inference.Training;

/// <summary>Which tokens the cross-entropy covers.</summary>
public enum TrainingLossTarget
{
    /// <summary>Only the answer letter after "Answer: " (what evaluation measures).</summary>
    Answer,

    /// <summary>Every next byte of prompt and answer.</summary>
    Sequence,
}

/// <summary>Which suite items the model trains on and how it is evaluated.</summary>
/// <param name="DomainWeights">Sampling weight per suite domain; a domain left out is not trained on. Specialists
/// are made by weighting their domains up.</param>
/// <param name="LookupFraction">Share of training items turned into look-up drills ("find 85?" over the same options,
/// same gold letter): they teach the value-to-letter step every domain ends with, apart from the domain's own skill.</param>
public sealed record TrainingDataConfig(
    IReadOnlyDictionary<string, double> DomainWeights,
    IReadOnlyList<int> Difficulties,
    int TrainItems,
    int EvalItems,
    ulong Seed,
    double LookupFraction = 0);

/// <param name="MinLearningRateRatio">The cosine decays to this fraction of the peak learning rate.</param>
public sealed record OptimizerConfig(
    double LearningRate,
    double MinLearningRateRatio,
    double WeightDecay,
    double Beta1,
    double Beta2,
    double Epsilon,
    double GradientClipNorm);

/// <summary>One training run, read from a JSON file (see <see cref="TrainingConfigReader"/>).</summary>
/// <param name="Model">The model section, a Hugging Face config.json object, parsed and checked against the suite.</param>
/// <param name="SourceJson">The config file's text, saved beside the trained model so it can be retrained.</param>
/// <param name="OutputDirectory">Absolute; relative paths in the file are taken from the config file's folder.</param>
/// <param name="AuxLossCoefficient">Weight of the Switch/Mixtral load-balancing loss.</param>
/// <param name="EvalEvery">Steps between evaluations on the test split (the last step always evaluates).</param>
/// <param name="Adapter">When set, a LoRA adapter is trained over this frozen base and <paramref name="Model"/> is the base's config.</param>
/// <param name="SequenceLossWeight">With the answer loss: weight of the whole-sequence next-byte loss added to it, a
/// denser learning signal than the answer letter's two bits per example (0 = answer letter only).</param>
public sealed record TrainingConfig(
    string Name,
    ulong Seed,
    MoeModelConfig Model,
    TrainingDataConfig Data,
    OptimizerConfig Optimizer,
    int Steps,
    int WarmupSteps,
    int BatchSize,
    TrainingLossTarget Loss,
    double AuxLossCoefficient,
    int EvalEvery,
    string OutputDirectory,
    string SourceJson,
    AdapterTrainingConfig? Adapter = null,
    double SequenceLossWeight = 0);
