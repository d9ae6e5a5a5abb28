using AgentRouter.Inference.Training;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests.Training;

public sealed class LoadBalancingLossTests
{
    [Fact]
    public void PerfectlyBalancedRoutingCostsTopK()
    {
        // Eight tokens, four experts: token t prefers experts t%4 then (t+1)%4, with equal mean probability.
        var logits = zeros(8, 4);
        for (var token = 0; token < 8; token++)
        {
            logits[token, token % 4] = tensor(2.0f);
            logits[token, (token + 1) % 4] = tensor(1.0f);
        }

        using var loss = LoadBalancingLoss.Compute([logits], expertsPerToken: 2);

        Assert.Equal(2.0, loss.item<float>(), 4);
    }

    [Fact]
    public void CollapsedRoutingCostsMoreThanBalancedRouting()
    {
        var collapsed = zeros(8, 4);
        collapsed[.., 0] = tensor(8.0f);
        collapsed[.., 1] = tensor(4.0f);

        using var loss = LoadBalancingLoss.Compute([collapsed], expertsPerToken: 2);

        Assert.True(loss.item<float>() > 3.0, $"collapsed loss {loss.item<float>()}");
    }

    [Fact]
    public void PaddingTokensAreLeftOut()
    {
        var logits = zeros(8, 4);
        for (var token = 0; token < 4; token++)
        {
            logits[token, token] = tensor(3.0f);
        }

        logits[4.., 0] = tensor(10.0f); // padding, all collapsed onto expert 0
        var mask = tensor(new float[] { 1, 1, 1, 1, 0, 0, 0, 0 });

        using var masked = LoadBalancingLoss.Compute([logits], 1, mask);
        using var unmasked = LoadBalancingLoss.Compute([logits], 1);

        Assert.Equal(1.0, masked.item<float>(), 4);
        Assert.True(unmasked.item<float>() > masked.item<float>() + 0.5);
    }

    [Fact]
    public void LayersArePooledAndGradientsReachTheRouter()
    {
        // Skewed routing on purpose: when the top-k counts come out exactly uniform, the loss is constant in the
        // logits and its gradient is zero, so random logits made this test fail by chance.
        var first = arange(24, dtype: float32).reshape(6, 4).div(8).requires_grad_(true);
        var second = arange(24, dtype: float32).reshape(6, 4).div(16).requires_grad_(true);

        using var loss = LoadBalancingLoss.Compute([first, second], 2);
        loss.backward();

        Assert.NotNull(first.grad);
        Assert.True(first.grad!.abs().sum().item<float>() > 0);
        Assert.NotNull(second.grad);
        Assert.True(second.grad!.abs().sum().item<float>() > 0);
    }
}
