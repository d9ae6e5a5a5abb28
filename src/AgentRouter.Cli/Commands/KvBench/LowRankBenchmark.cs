using System.Diagnostics;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands.KvBench;

/// <summary>
/// LoRA agents over one base: each agent with its full adapter and a private KV cache (exact) versus LRAgent-style sharing
/// (base K/V of the prompt once, per agent only x·Aᵀ). Reports bytes held, time to first token and the letter each agent
/// chooses, so the approximation's accuracy effect can be stated beside its savings.
/// </summary>
internal sealed class LowRankBenchmark(MoeForCausalLm model, IReadOnlyList<LoraAdapter> adapters, int workingTokens, IReadOnlyList<int> letterIds)
{
    /// <summary>Adapters made for the benchmark (no trained LoRA agents are shipped yet): PEFT's A initialisation and B drawn
    /// from N(0, std²), on q/k/v/o of every layer.</summary>
    public static IReadOnlyList<LoraAdapter> RandomAdapters(MoeForCausalLm model, int count, int rank, double standardDeviation)
    {
        var config = new LoraAdapterConfig("benchmark-base", rank, 2.0 * rank, Enum.GetValues<LoraTargetModule>(), 0, null, false, null);
        var adapters = new List<LoraAdapter>();
        for (var index = 0; index < count; index++)
        {
            var adapter = LoraAdapter.CreateForTraining($"bench-{index}", model.Config, config, seed: 100 + index, model.Device);
            using var generator = new Generator((ulong)(200 + index));
            using (no_grad())
            {
                foreach (var (name, tensor) in adapter.NamedTensors())
                {
                    if (name.Contains("lora_B", StringComparison.Ordinal))
                    {
                        tensor.normal_(0, standardDeviation, generator);
                    }
                }
            }
            adapters.Add(adapter);
        }
        return adapters;
    }

    /// <summary>Per prompt and agent, the chosen letter index.</summary>
    public List<int[]> RunPrivate(IReadOnlyList<int[]> prompts, KvBenchmarkRunner.ModeFigures figures)
    {
        var choices = new List<int[]>();
        var options = GenerationOptions.GreedyDecoding(Math.Max(1, workingTokens)) with { RecordStepLogits = true };
        var bytesPerPosition = TensorKvPayload.BlockBytes(model.Config, 1, model.DType);
        var started = Stopwatch.GetTimestamp();
        foreach (var prompt in prompts)
        {
            var panel = new int[adapters.Count];
            for (var agent = 0; agent < adapters.Count; agent++)
            {
                var begun = Stopwatch.GetTimestamp();
                var firstToken = 0.0;
                var result = SequenceGenerator.Generate(model, [prompt], options, token =>
                {
                    if (token.Step == 0)
                    {
                        firstToken = Stopwatch.GetElapsedTime(begun).TotalMilliseconds;
                    }
                }, adapter: adapters[agent]).Single();
                (agent == 0 ? figures.FirstAgentTtftMs : figures.OtherAgentsTtftMs).Add(firstToken);
                panel[agent] = Letter(result.StepLogits[0]);
            }
            figures.HeldBytes += adapters.Count * (prompt.Length + options.MaxNewTokens) * bytesPerPosition;
            figures.PromptTokens += adapters.Count * prompt.Length;
            choices.Add(panel);
        }
        figures.Seconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        figures.Panels += prompts.Count;
        return choices;
    }

    public List<int[]> RunLowRank(IReadOnlyList<int[]> prompts, KvBlockPool pool, string baseWeightsId, KvBenchmarkRunner.ModeFigures figures)
    {
        var choices = new List<int[]>();
        var started = Stopwatch.GetTimestamp();
        foreach (var prompt in prompts)
        {
            using var reservation = pool.ReserveAsync(SharedPrefixRunner.RequestBytes(model, pool.TokensPerBlock, prompt.Length, 0)).GetAwaiter().GetResult();
            var begun = Stopwatch.GetTimestamp();
            var firstTokens = Enumerable.Repeat(double.NaN, adapters.Count).ToArray();
            var lastEnd = 0.0;
            var panel = LowRankPanelRunner.Run(model, reservation, baseWeightsId, pool.TokensPerBlock, prompt, adapters, workingTokens, (agent, _) =>
            {
                var now = Stopwatch.GetElapsedTime(begun).TotalMilliseconds;
                if (double.IsNaN(firstTokens[agent]))
                {
                    // Agent 1 pays the shared prefill; each later agent starts when the previous one finished.
                    firstTokens[agent] = now - (agent == 0 ? 0 : lastEnd);
                }
                lastEnd = now;
            });
            for (var agent = 0; agent < adapters.Count; agent++)
            {
                (agent == 0 ? figures.FirstAgentTtftMs : figures.OtherAgentsTtftMs).Add(firstTokens[agent]);
            }
            figures.HeldBytes += panel.HeldBytes;
            figures.PromptTokens += panel.Agents.Sum(agent => agent.PromptTokens);
            figures.ReusedTokens += panel.Agents.Skip(1).Sum(agent => agent.ReusedTokens);
            choices.Add(panel.Agents.Select(agent => Letter(agent.PromptLogits)).ToArray());
        }
        figures.Seconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        figures.Panels += prompts.Count;
        return choices;
    }

    private int Letter(float[] logits)
    {
        var best = 0;
        for (var index = 1; index < letterIds.Count; index++)
        {
            if (logits[letterIds[index]] > logits[letterIds[best]])
            {
                best = index;
            }
        }
        return best;
    }
}
