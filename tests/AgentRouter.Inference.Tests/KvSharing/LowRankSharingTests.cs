using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Modules;
using AgentRouter.Inference.Tests.Adapters;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.KvSharing;

/// <summary>LRAgent-style sharing: base K/V once, per agent only x·Aᵀ; the adapter part rebuilt from it.</summary>
public sealed class LowRankSharingTests
{
    private static readonly int[] Prompt = [3, 14, 15, 9, 26, 5, 35, 8, 9, 7, 9, 32, 38, 4, 6];

    [Theory]
    [InlineData(ModelArchitecture.Mixtral)]
    [InlineData(ModelArchitecture.Qwen2Moe)]
    public void AdapterPartRebuiltFromLowRankActivationsEqualsTheAgentsFullKeysAndValues(ModelArchitecture architecture)
    {
        var config = TinyConfigs.For(architecture);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, TinyConfigs.WeightScale);
        using var adapter = TestAdapters.Random(config, TestAdapters.Config(rank: 3), seed: 9);
        using var inference = inference_mode();
        using var scope = NewDisposeScope();
        using var recorded = new RecordingCache(config, Prompt.Length);
        var input = tensor(Prompt.Select(id => (long)id).ToArray(), new long[] { 1, Prompt.Length });
        using (model.Forward(input, null, recorded, lastPositionOnly: true, adapter: adapter))
        {
        }

        var modules = model.named_modules().ToDictionary(pair => pair.name, pair => pair.module);
        using var rotary = new RotaryTable(config.HeadDim, config.RopeTheta);
        var (cos, sin) = rotary.Gather(arange(0, Prompt.Length, 1, ScalarType.Int64).unsqueeze(0), ScalarType.Float32);
        for (var layer = 0; layer < config.NumLayers; layer++)
        {
            // With the agent's own (exact) hidden states x: K = RoPE(W_k x + b) + ΔK(x·A_kᵀ), V = W_v x + b + ΔV(x·A_vᵀ).
            var x = recorded.Inputs[layer];
            var keyProjection = (Linear)modules[$"model.layers.{layer}.self_attn.k_proj"];
            var valueProjection = (Linear)modules[$"model.layers.{layer}.self_attn.v_proj"];
            var baseKeys = RotaryTable.Apply(Heads(config, keyProjection.forward(x)), cos, sin);
            var baseValues = Heads(config, valueProjection.forward(x));
            var layerAdapter = adapter.Layer(layer)!;
            var keys = baseKeys + LowRankKvDelta.Keys(config, layerAdapter.Key!, layerAdapter.Key!.LowRank(x), cos, sin);
            var values = baseValues + LowRankKvDelta.Values(config, layerAdapter.Value!, layerAdapter.Value!.LowRank(x));

            Assert.True(recorded.Keys[layer].sub(baseKeys).abs().max().item<float>() > 1e-3, "the adapter must really change K");
            Assert.True(keys.sub(recorded.Keys[layer]).abs().max().item<float>() <= 1e-5);
            Assert.True(values.sub(recorded.Values[layer]).abs().max().item<float>() <= 1e-5);
        }
    }

    [Fact]
    public async Task PanelOverOneBaseIsExactWhenAdaptersTouchOnlyTheLastLayer()
    {
        var config = TinyConfigs.For(ModelArchitecture.Mixtral);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, TinyConfigs.WeightScale);
        var lastLayerOnly = TestAdapters.Config(rank: 2, layers: [config.NumLayers - 1]);
        using var first = TestAdapters.Random(config, lastLayerOnly, seed: 21);
        using var second = TestAdapters.Random(config, lastLayerOnly, seed: 22);
        using var pool = new KvBlockPool(new KvBlockPoolOptions(4, 1 << 20));
        using var reservation = await pool.ReserveAsync(SharedPrefixRunner.RequestBytes(model, 4, Prompt.Length, 0));

        var panel = LowRankPanelRunner.Run(model, reservation, "tiny", 4, Prompt, [first, second], greedyTokens: 3);

        foreach (var (adapter, result) in new[] { first, second }.Zip(panel.Agents))
        {
            var expected = LogitsCalculator.Compute(model, Prompt, allPositions: false, adapter)[0];
            Assert.True(expected.Zip(result.PromptLogits, (a, b) => Math.Abs(a - b)).Max() <= 1e-5);
            Assert.Equal(Prompt.Length - 1, result.ReusedTokens);
            var reference = SequenceGenerator.Generate(model, [Prompt], GenerationOptions.GreedyDecoding(3), adapter: adapter).Single();
            Assert.Equal(reference.GeneratedIds, result.GeneratedIds);
        }
        Assert.NotEqual(panel.Agents[0].PromptLogits, panel.Agents[1].PromptLogits);
        // Held: the base context once, plus per agent rank-2 activations of the one adapted layer and its own positions.
        var fullPerAgent = TensorKvPayload.BlockBytes(config, Prompt.Length - 1, ScalarType.Float32);
        Assert.Equal(2 * 2 * (Prompt.Length - 1) * 2 * sizeof(float), panel.AgentLowRankBytes.Sum());
        Assert.True(panel.HeldBytes < 2 * fullPerAgent, $"held {panel.HeldBytes} vs {2 * fullPerAgent} unshared");
    }

    [Fact]
    public async Task ConfigsWhoseKeysAreNotLinearInTheAdapterAreRefused()
    {
        var config = TinyConfigs.For(ModelArchitecture.Olmoe);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 5, TinyConfigs.WeightScale);
        using var adapter = TestAdapters.Random(config, TestAdapters.Config(rank: 2), seed: 3);
        using var pool = new KvBlockPool(new KvBlockPoolOptions(4, 1 << 20));
        using var reservation = await pool.ReserveAsync(1 << 16);
        var error = Assert.Throws<LowRankSharingException>(() => LowRankPanelRunner.Run(model, reservation, "olmoe", 4, Prompt, [adapter], 0));
        Assert.Contains("config.json", error.Message, StringComparison.Ordinal);
    }

    private static Tensor Heads(MoeModelConfig config, Tensor flat) =>
        flat.view(1, flat.shape[1], config.NumKeyValueHeads, config.HeadDim).transpose(1, 2);

    /// <summary>A plain cache that also keeps each layer's attention input and the keys/values appended.</summary>
    private sealed class RecordingCache(MoeModelConfig config, int capacity) : IKvCache, IDisposable
    {
        private readonly KvCache _inner = new(config, 1, capacity, ScalarType.Float32, CPU);

        public List<Tensor> Inputs { get; } = [];

        public List<Tensor> Keys { get; } = [];

        public List<Tensor> Values { get; } = [];

        public int Length => _inner.Length;

        public bool HasPadding => _inner.HasPadding;

        public void EnsureRoom(long newTokens) => _inner.EnsureRoom(newTokens);

        public Tensor RecordTokenMask(Tensor isToken) => _inner.RecordTokenMask(isToken);

        public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
        {
            Keys.Add(keys.clone().DetachFromDisposeScope());
            Values.Add(values.clone().DetachFromDisposeScope());
            return _inner.Append(layer, keys, values);
        }

        public void Advance(long steps) => _inner.Advance(steps);

        public void ObserveAttentionInput(int layer, Tensor normalizedHidden) => Inputs.Add(normalizedHidden.clone().DetachFromDisposeScope());

        public void Dispose()
        {
            _inner.Dispose();
            foreach (var tensor in Inputs.Concat(Keys).Concat(Values))
            {
                tensor.Dispose();
            }
        }
    }
}
