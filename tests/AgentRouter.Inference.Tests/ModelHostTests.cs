using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

public sealed class ModelHostTests
{
    [Fact]
    public async Task ConcurrentRequestsRunOnTheHostThreadAndMatchDirectCalls()
    {
        var config = TinyConfigs.For(ModelArchitecture.Qwen3Moe);
        using var host = await ModelHost.CreateAsync("tiny", () => MoeForCausalLm.CreateRandom(config, seed: 9, standardDeviation: TinyConfigs.WeightScale));
        var options = GenerationOptions.GreedyDecoding(5) with { StopTokenIds = Array.Empty<int>() };
        var prompts = Enumerable.Range(1, 6).Select(length => Enumerable.Range(1, length).ToArray()).ToArray();

        var results = await Task.WhenAll(prompts.Select(prompt => Task.Run(() => host.GenerateAsync(new[] { prompt }, options))));
        var threadNames = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.RunAsync(_ => Thread.CurrentThread.Name)));

        Assert.All(threadNames, name => Assert.Equal("torch:tiny", name));
        using var reference = MoeForCausalLm.CreateRandom(config, seed: 9, standardDeviation: TinyConfigs.WeightScale);
        for (var index = 0; index < prompts.Length; index++)
        {
            var direct = SequenceGenerator.Generate(reference, new[] { prompts[index] }, options).Single();
            Assert.Equal(direct.GeneratedIds, results[index].Single().GeneratedIds);
        }
    }

    [Fact]
    public async Task BadRequestsFaultTheirTaskAndTheHostKeepsServing()
    {
        var config = TinyConfigs.For(ModelArchitecture.Olmoe);
        using var host = await ModelHost.CreateAsync("olmoe", () => MoeForCausalLm.CreateRandom(config, seed: 2));

        var error = await Assert.ThrowsAsync<GenerationRequestException>(() => host.LogitsAsync(new[] { 1, config.VocabSize }, allPositions: false));
        var logits = await host.LogitsAsync(new[] { 1, 2, 3 }, allPositions: true);

        Assert.Equal("ids", error.Field);
        Assert.Equal(3, logits.Length);
        Assert.All(logits, row => Assert.Equal(config.VocabSize, row.Length));
    }

    [Fact]
    public async Task DisposedHostRejectsWork()
    {
        var host = await ModelHost.CreateAsync("short-lived", () => MoeForCausalLm.CreateRandom(TinyConfigs.For(ModelArchitecture.Llama), seed: 4));
        host.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => host.LogitsAsync(new[] { 1 }, allPositions: false));
    }

    [Fact]
    public void InferenceDeviceIsCpuWithoutCuda()
    {
        Assert.Equal(cuda.is_available() ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU, InferenceDevice.Select().type);
    }
}
