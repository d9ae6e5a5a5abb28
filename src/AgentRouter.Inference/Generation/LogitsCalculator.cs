using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Generation;

/// <summary>One full forward pass over one sequence, returning float32 logits rows.</summary>
public static class LogitsCalculator
{
    public static float[][] Compute(MoeForCausalLm model, IReadOnlyList<int> ids, bool allPositions, LoraAdapter? adapter = null)
    {
        RequestValidator.ValidateTokenIds(model.Config, ids, "ids");
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        var input = tensor(ids.Select(id => (long)id).ToArray(), new long[] { 1, ids.Count }, device: model.Device);
        using var output = model.Forward(input, lastPositionOnly: !allPositions, adapter: adapter);
        var logits = output.Logits.to(ScalarType.Float32).cpu();
        var vocabulary = (int)logits.shape[^1];
        var flat = logits.data<float>().ToArray();
        return Enumerable.Range(0, flat.Length / vocabulary).Select(row => flat.AsSpan(row * vocabulary, vocabulary).ToArray()).ToArray();
    }
}
