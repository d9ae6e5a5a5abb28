using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.LlamaCppBench;

/// <summary>How close an int8 decode stays to float32 along the same tokens: mean and minimum logits cosine, and how
/// often its top token is float32's greedy choice (issue #20's bar: cosine ≥ 0.999, top-1 ≥ 99 % over 500 positions).</summary>
internal sealed record Int8AccuracyFigures(string Precision, double MeanCosine, double MinimumCosine, int TopOneAgreements, int Positions);

/// <summary>
/// The float32 model's greedy continuation of a short prompt, and its logits at every decode position, kept so that a
/// quantised decode of the same model can be teacher-forced along the same tokens afterwards.
/// </summary>
internal sealed class Int8AccuracyReference
{
    private readonly int[] _sequence;
    private readonly int _promptLength;
    private readonly float[][] _logits;

    private Int8AccuracyReference(int[] sequence, int promptLength, float[][] logits)
    {
        _sequence = sequence;
        _promptLength = promptLength;
        _logits = logits;
    }

    /// <summary>Call while <paramref name="model"/> still decodes in float32.</summary>
    public static Int8AccuracyReference Measure(MoeForCausalLm model, int positions)
    {
        var prompt = Enumerable.Range(1, 8).ToArray();
        var options = new GenerationOptions { MaxNewTokens = positions, Greedy = true, StopTokenIds = Array.Empty<int>() };
        var sequence = prompt.Concat(SequenceGenerator.Generate(model, new[] { prompt }, options).Single().GeneratedIds).ToArray();
        return new Int8AccuracyReference(sequence, prompt.Length, TeacherForcedLogits(model, sequence, prompt.Length));
    }

    /// <summary>The prompt followed by float32's greedy continuation.</summary>
    public IReadOnlyList<int> Sequence => _sequence;

    /// <summary>The same teacher-forced decode through <paramref name="model"/> as it decodes now (int8).</summary>
    public Int8AccuracyFigures Compare(MoeForCausalLm model, string precision) => Compare(TeacherForcedLogits(model, _sequence, _promptLength), precision);

    /// <summary>Against logits another decoder gave along <see cref="Sequence"/>: those after feeding each position from
    /// the prompt's last on (the ones that predict the generated tokens).</summary>
    public Int8AccuracyFigures Compare(float[][] quantised, string precision)
    {
        var cosines = _logits.Zip(quantised, LogitsComparison.Cosine).ToArray();
        var agreements = Enumerable.Range(0, quantised.Length).Count(index => TokenSampler.ArgMax(quantised[index]) == _sequence[_promptLength + index]);
        return new Int8AccuracyFigures(precision, cosines.Average(), cosines.Min(), agreements, quantised.Length);
    }

    /// <summary>Index in <see cref="Sequence"/> of the first position whose logits are compared.</summary>
    public int FirstComparedPosition => _promptLength - 1;

    /// <summary>Logits predicting each generated token, the sequence fed one token at a time through the KV cache (the
    /// decode path).</summary>
    private static float[][] TeacherForcedLogits(MoeForCausalLm model, int[] sequence, int promptLength)
    {
        using var inference = inference_mode();
        using var cache = new KvCache(model.Config, batchSize: 1, capacity: sequence.Length, ScalarType.Float32, CPU);
        var rows = new List<float[]>();
        for (var position = 0; position < sequence.Length - 1; position++)
        {
            using var scope = NewDisposeScope();
            using var output = model.Forward(tensor(new long[] { sequence[position] }, new long[] { 1, 1 }), cache: cache);
            if (position >= promptLength - 1)
            {
                rows.Add(output.Logits.to(ScalarType.Float32).cpu().data<float>().ToArray());
            }
        }
        return rows.ToArray();
    }
}
