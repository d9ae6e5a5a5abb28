using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>The same modules train: the token-grouped expert dispatch is differentiable.</summary>
public sealed class TrainingPathTests
{
    [Fact]
    public void BackwardReachesExpertsRouterAndEmbeddingsAndLossFalls()
    {
        var config = TinyConfigs.For(ModelArchitecture.Qwen2Moe);
        using var model = MoeForCausalLm.CreateRandom(config, seed: 1, standardDeviation: TinyConfigs.WeightScale);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 0.01);
        using var inputs = tensor(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, new long[] { 2, 8 });
        using var targets = inputs.roll(-1, 1);
        var losses = new List<double>();

        for (var step = 0; step < 15; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var output = model.Forward(inputs);
            var loss = nn.functional.cross_entropy(output.Logits.reshape(-1, config.VocabSize), targets.reshape(-1));
            Assert.Equal(2, output.RouterLogits.Count); // layer 1 is dense (mlp_only_layers)
            Assert.Equal(new long[] { 16, config.NumExperts }, output.RouterLogits[0].shape);
            loss.backward();
            if (step == 0)
            {
                var gradients = model.named_parameters().ToDictionary(pair => pair.name, pair => pair.parameter.grad);
                foreach (var name in new[] { "model.layers.0.mlp.experts.gate_up_proj", "model.layers.0.mlp.gate.weight", "model.embed_tokens.weight",
                    "model.layers.0.mlp.shared_expert_gate.weight", "model.layers.1.mlp.down_proj.weight" })
                {
                    Assert.True(gradients[name] is { } gradient && gradient.abs().sum().item<float>() > 0, $"no gradient reached {name}");
                }
            }
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        Assert.True(losses[^1] < losses[0] * 0.5, $"loss went from {losses[0]} to {losses[^1]}");
    }
}
