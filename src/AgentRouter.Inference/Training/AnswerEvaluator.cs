using AgentRouter.Inference.Adapters;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Training;

/// <summary>Scores a model on suite items: the predicted answer is the option letter with the highest logit at
/// the answer position (the logits of all other tokens are ignored).</summary>
public static class AnswerEvaluator
{
    /// <param name="adapter">A LoRA adapter to score through, or null for the model alone.</param>
    public static EvaluationReport Evaluate(MoeForCausalLm model, IReadOnlyList<SuiteItem> items, int batchSize, LoraAdapter? adapter = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var wasTraining = model.training;
        model.eval();
        var predictions = new List<(string Domain, string Predicted, string Gold)>(items.Count);
        try
        {
            using var noGrad = no_grad();
            using var letterIds = tensor(SuitePrompt.Letters.Select(SuiteBatch.LetterId).ToArray(), device: model.Device);
            foreach (var chunk in items.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                using var batch = SuiteBatch.Create(chunk, includeAnswer: false, model.Device);
                using var output = model.Forward(batch.InputIds, adapter: adapter);
                var letterLogits = batch.AnswerLogits(output.Logits).index_select(1, letterIds);
                var choices = letterLogits.argmax(1).cpu().data<long>().ToArray();
                for (var i = 0; i < chunk.Length; i++)
                {
                    predictions.Add((chunk[i].Domain, SuitePrompt.Letters[(int)choices[i]], chunk[i].Answer));
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return EvaluationReport.FromPredictions(predictions);
    }
}
