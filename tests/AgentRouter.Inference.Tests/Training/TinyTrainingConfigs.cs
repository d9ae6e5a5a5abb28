using AgentRouter.Inference.Training;

namespace AgentRouter.Inference.Tests.Training;

/// <summary>Training configs small enough to train in about a second on two cores.</summary>
internal static class TinyTrainingConfigs
{
    public const string Mixtral = """
        {"model_type":"mixtral","vocab_size":259,"hidden_size":32,"num_hidden_layers":1,"num_attention_heads":2,
         "num_key_value_heads":1,"intermediate_size":32,"num_local_experts":4,"num_experts_per_tok":2,
         "max_position_embeddings":256,"tie_word_embeddings":false}
        """;

    public static TrainingConfig Create(string outputDirectory, int steps = 40, ulong seed = 5, string loss = "answer", int evalEvery = 20,
        double sequenceLossWeight = 0) =>
        TrainingConfigReader.Parse(
            $$"""
            {
              "name": "tiny-test",
              "seed": {{seed}},
              "model": {{Mixtral}},
              "data": {"train_items": 400, "eval_items": 60, "difficulties": [1]},
              "optimizer": {"learning_rate": 0.01},
              "steps": {{steps}},
              "warmup_steps": 4,
              "batch_size": 16,
              "loss": "{{loss}}",
              "sequence_loss_weight": {{sequenceLossWeight.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
              "eval_every": {{evalEvery}},
              "output": "{{outputDirectory.Replace("\\", "/", StringComparison.Ordinal)}}"
            }
            """,
            Path.Combine(outputDirectory, "training.json"));
}

internal sealed class RecordingProgress : ITrainingProgress
{
    public List<TrainingStepReport> Steps { get; } = [];

    public List<(int Step, EvaluationReport Report)> Evaluations { get; } = [];

    public void OnStep(TrainingStepReport report) => Steps.Add(report);

    public void OnEvaluation(int step, EvaluationReport report) => Evaluations.Add((step, report));
}
