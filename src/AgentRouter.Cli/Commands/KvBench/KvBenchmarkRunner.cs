using System.Diagnostics;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.KvBench;

/// <summary>
/// A panel of agents on one backbone answering the same prompts (prompt logits + a short greedy continuation each), with a
/// private KV cache per agent (the engine's <see cref="SequenceGenerator"/>) or through one shared <see cref="KvBlockPool"/>.
/// A panel's caches are all held until its last agent has answered, as a router holds them until the merge.
/// </summary>
internal sealed class KvBenchmarkRunner(MoeForCausalLm model, int agents, int workingTokens)
{
    public sealed class ModeFigures
    {
        public List<double> FirstAgentTtftMs { get; } = [];

        public List<double> OtherAgentsTtftMs { get; } = [];

        public long HeldBytes { get; set; }

        public double Seconds { get; set; }

        public int Panels { get; set; }

        public long PromptTokens { get; set; }

        public long ReusedTokens { get; set; }
    }

    /// <summary>Prompt logits and continuation of every (prompt, agent), to compare modes.</summary>
    public sealed record Answer(float[] PromptLogits, IReadOnlyList<int> Generated);

    private long BytesPerPosition => TensorKvPayload.BlockBytes(model.Config, 1, model.DType);

    public List<Answer[]> RunPrivate(IReadOnlyList<int[]> prompts, ModeFigures figures)
    {
        var answers = new List<Answer[]>();
        var options = GenerationOptions.GreedyDecoding(Math.Max(1, workingTokens)) with { RecordStepLogits = true };
        var started = Stopwatch.GetTimestamp();
        foreach (var prompt in prompts)
        {
            var panel = new Answer[agents];
            for (var agent = 0; agent < agents; agent++)
            {
                var begun = Stopwatch.GetTimestamp();
                var firstToken = 0.0;
                var result = SequenceGenerator.Generate(model, [prompt], options, token =>
                {
                    if (token.Step == 0)
                    {
                        firstToken = Stopwatch.GetElapsedTime(begun).TotalMilliseconds;
                    }
                }).Single();
                (agent == 0 ? figures.FirstAgentTtftMs : figures.OtherAgentsTtftMs).Add(firstToken);
                panel[agent] = new Answer(result.StepLogits[0], workingTokens == 0 ? [] : result.GeneratedIds);
            }
            // A KvCache is preallocated for prompt + new tokens, per agent.
            figures.HeldBytes += agents * (prompt.Length + options.MaxNewTokens) * BytesPerPosition;
            figures.PromptTokens += agents * prompt.Length;
            answers.Add(panel);
        }
        figures.Seconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        figures.Panels += prompts.Count;
        return answers;
    }

    public List<Answer[]> RunShared(IReadOnlyList<int[]> prompts, KvBlockPool pool, string weightsId, ModeFigures figures)
    {
        var answers = new List<Answer[]>();
        var started = Stopwatch.GetTimestamp();
        foreach (var prompt in prompts)
        {
            var panel = new Answer[agents];
            var reservations = new List<KvReservation>();
            var held = new HashSet<KvBlock>();
            try
            {
                for (var agent = 0; agent < agents; agent++)
                {
                    var begun = Stopwatch.GetTimestamp();
                    var firstToken = double.NaN;
                    var reservation = pool.ReserveAsync(SharedPrefixRunner.RequestBytes(model, pool.TokensPerBlock, prompt.Length, workingTokens)).GetAwaiter().GetResult();
                    reservations.Add(reservation);
                    var result = SharedPrefixRunner.Run(model, reservation, weightsId, pool.TokensPerBlock, prompt, workingTokens, _ =>
                    {
                        if (double.IsNaN(firstToken))
                        {
                            firstToken = Stopwatch.GetElapsedTime(begun).TotalMilliseconds;
                        }
                    });
                    if (double.IsNaN(firstToken))
                    {
                        firstToken = Stopwatch.GetElapsedTime(begun).TotalMilliseconds;
                    }
                    (agent == 0 ? figures.FirstAgentTtftMs : figures.OtherAgentsTtftMs).Add(firstToken);
                    panel[agent] = new Answer(result.PromptLogits, result.GeneratedIds);
                    held.UnionWith(result.Blocks);
                    figures.PromptTokens += result.PromptTokens;
                    figures.ReusedTokens += result.ReusedTokens;
                }
            }
            finally
            {
                foreach (var reservation in reservations)
                {
                    reservation.Dispose();
                }
            }
            figures.HeldBytes += held.Sum(block => block.Bytes);
            answers.Add(panel);
        }
        figures.Seconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        figures.Panels += prompts.Count;
        return answers;
    }

    /// <summary>Largest absolute logit difference and number of differing continuations between two runs.</summary>
    public static (double MaxAbsLogitDifference, int DifferentContinuations) Compare(IReadOnlyList<Answer[]> left, IReadOnlyList<Answer[]> right)
    {
        var worst = 0.0;
        var different = 0;
        for (var prompt = 0; prompt < left.Count; prompt++)
        {
            for (var agent = 0; agent < left[prompt].Length; agent++)
            {
                var (a, b) = (left[prompt][agent], right[prompt][agent]);
                for (var index = 0; index < a.PromptLogits.Length; index++)
                {
                    worst = Math.Max(worst, Math.Abs(a.PromptLogits[index] - b.PromptLogits[index]));
                }
                if (!a.Generated.SequenceEqual(b.Generated))
                {
                    different++;
                }
            }
        }
        return (worst, different);
    }

    public static IDisposable InferenceScope() => inference_mode();
}
