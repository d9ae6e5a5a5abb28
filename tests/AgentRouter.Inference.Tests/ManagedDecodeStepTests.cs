using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>
/// The whole-step managed decode (<see cref="ManagedDecodeStep"/>) against the module path on the same weights and cache
/// contents. An all-ones attention mask means the same as none but sends a step down the module path, so both run side by
/// side without touching the process-wide kernel switch; and the helper-thread row sharing (<see cref="DecodeWorker"/>).
/// </summary>
public sealed class ManagedDecodeStepTests
{
    public static TheoryData<ModelArchitecture> Architectures => new(Enum.GetValues<ModelArchitecture>());

    [Theory]
    [MemberData(nameof(Architectures))]
    public void ManagedStepEqualsTheModulePathForEveryArchitecture(ModelArchitecture architecture)
    {
        using var model = MoeForCausalLm.CreateRandom(TinyConfigs.For(architecture), seed: 21, standardDeviation: TinyConfigs.WeightScale);
        AssertStepsAgree(model, new[] { 3, 14, 15, 9, 26 }, steps: 5, tolerance: 1e-5);
    }

    [Theory]
    [InlineData(Int8Activations.Int8, false)]
    [InlineData(Int8Activations.Float32, false)]
    [InlineData(Int8Activations.Int8, true)]
    public void ManagedStepEqualsTheModulePathOnInt8DecodeWeights(Int8Activations activations, bool shareRows)
    {
        // Widths in whole 32-value blocks, so that every matrix gets an int8 copy.
        var config = new MoeModelConfig
        {
            Architecture = ModelArchitecture.Qwen3Moe, VocabSize = 96, HiddenSize = 64, NumLayers = 2, NumHeads = 4, NumKeyValueHeads = 2,
            HeadDim = 32, MaxPositionEmbeddings = 64, NumExperts = 4, ExpertsPerToken = 2, ExpertIntermediateSize = 64, NormTopKProbabilities = true,
        };
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, standardDeviation: 0.2);
        var summary = Int8DecodeWeights.Quantize(model, activations);
        Assert.Equal(0, summary.SkippedMatrices);
        DecodeWorker.ShareOverride = shareRows;
        try
        {
            AssertStepsAgree(model, new[] { 1, 2, 3 }, steps: 4, tolerance: 1e-4);
        }
        finally
        {
            DecodeWorker.ShareOverride = null;
        }
    }

    [Fact]
    public void ModulePathRunsWhereTheManagedStepDoesNotApply()
    {
        using var model = MoeForCausalLm.CreateRandom(TinyConfigs.For(ModelArchitecture.Mixtral), seed: 2, standardDeviation: TinyConfigs.WeightScale);
        using var inference = inference_mode();
        using var cache = new KvCache(model.Config, 1, 16, ScalarType.Float32, CPU);
        using var token = tensor(new long[] { 4 }, new long[] { 1, 1 });
        using var mask = ones(1, 1, ScalarType.Int64);
        using var twoTokens = tensor(new long[] { 4, 5 }, new long[] { 1, 2 });
        using var batchCache = new KvCache(model.Config, 2, 16, ScalarType.Float32, CPU);
        using var twoSequences = tensor(new long[] { 4, 5 }, new long[] { 2, 1 });

        Assert.True(ManagedDecodeStep.Applies(model, token, null, cache, null));
        Assert.False(ManagedDecodeStep.Applies(model, token, mask, cache, null));
        Assert.False(ManagedDecodeStep.Applies(model, token, null, null, null));
        Assert.False(ManagedDecodeStep.Applies(model, twoTokens, null, cache, null));
        Assert.False(ManagedDecodeStep.Applies(model, twoSequences, null, batchCache, null));
        using (enable_grad())
        {
            Assert.False(ManagedDecodeStep.Applies(model, token, null, cache, null));
        }
    }

    [Fact]
    public unsafe void SharedRowsCoverEveryRowExactlyOnce()
    {
        var counts = new int[1000];
        DecodeWorker.ShareOverride = true;
        try
        {
            fixed (int* target = counts)
            {
                foreach (var count in new[] { 8, 9, 37, 1000 })
                {
                    for (var repetition = 0; repetition < 200; repetition++)
                    {
                        Array.Clear(counts);
                        DecodeWorker.For(count, 1, &CountRows, target);
                        Assert.All(counts.Take(count), visits => Assert.Equal(1, visits));
                        Assert.All(counts.Skip(count), visits => Assert.Equal(0, visits));
                    }
                }
            }
        }
        finally
        {
            DecodeWorker.ShareOverride = null;
        }
    }

    private static unsafe void CountRows(void* argument, int start, int end)
    {
        for (var row = start; row < end; row++)
        {
            Interlocked.Increment(ref ((int*)argument)[row]);
        }
    }

    /// <summary>Prefills <paramref name="prompt"/> into two caches, then decodes greedily: each step through the managed
    /// step (no mask) and through the module path (all-ones mask), comparing logits, router logits and the chosen token.</summary>
    private static void AssertStepsAgree(MoeForCausalLm model, int[] prompt, int steps, double tolerance)
    {
        using var inference = inference_mode();
        using var managedCache = new KvCache(model.Config, 1, prompt.Length + steps + 1, ScalarType.Float32, CPU);
        using var moduleCache = new KvCache(model.Config, 1, prompt.Length + steps + 1, ScalarType.Float32, CPU);
        using var promptIds = tensor(prompt.Select(id => (long)id).ToArray(), new long[] { 1, prompt.Length });
        long next;
        using (var managedPrompt = model.Forward(promptIds, cache: managedCache, lastPositionOnly: true))
        using (var modulePrompt = model.Forward(promptIds, cache: moduleCache, lastPositionOnly: true))
        {
            next = managedPrompt.Logits.argmax().item<long>();
        }
        using var mask = ones(1, 1, ScalarType.Int64);
        for (var step = 0; step < steps; step++)
        {
            using var token = tensor(new[] { next }, new long[] { 1, 1 });
            Assert.True(ManagedDecodeStep.Applies(model, token, null, managedCache, null));
            using var managed = model.Forward(token, cache: managedCache, lastPositionOnly: true);
            using var reference = model.Forward(token, mask, moduleCache, lastPositionOnly: true);
            Assert.Equal(reference.Logits.shape, managed.Logits.shape);
            var difference = (managed.Logits - reference.Logits).abs().max().item<float>();
            Assert.True(difference < tolerance, $"step {step}: managed step logits differ by {difference:G3}");
            Assert.Equal(reference.RouterLogits.Count, managed.RouterLogits.Count);
            foreach (var (managedRouter, referenceRouter) in managed.RouterLogits.Zip(reference.RouterLogits))
            {
                Assert.Equal(referenceRouter.shape, managedRouter.shape);
                Assert.True((managedRouter - referenceRouter).abs().max().item<float>() < tolerance);
            }
            Assert.Equal(moduleCache.Length, managedCache.Length);
            next = managed.Logits.argmax().item<long>();
            Assert.Equal(reference.Logits.argmax().item<long>(), next);
        }
    }
}
