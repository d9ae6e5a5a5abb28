using AgentRouter.Inference.Kernels;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Adapters;

/// <summary>
/// The low-rank update of one projection: <c>y = W x + scale · B (A x)</c> with A [r, in], B [out, r] and
/// scale = lora_alpha / r. The pieces are exposed separately so that a KV cache can keep the base output and
/// the rank-r part <c>x·Aᵀ</c> per adapter, and add <see cref="Expand"/> back later.
/// </summary>
public sealed class LoraProjection : IDisposable
{
    public LoraProjection(Tensor a, Tensor b, double scale)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dim() != 2 || b.dim() != 2 || b.shape[1] != a.shape[0])
        {
            throw new ArgumentException($"LoRA factors must be A [r, in] and B [out, r], got A [{string.Join(", ", a.shape)}], B [{string.Join(", ", b.shape)}]");
        }
        A = a;
        B = b;
        Scale = scale;
    }

    /// <summary>[r, in].</summary>
    public Tensor A { get; }

    /// <summary>[out, r].</summary>
    public Tensor B { get; }

    public double Scale { get; }

    public long Rank => A.shape[0];

    /// <summary>The rank-r activations <c>x·Aᵀ</c> [..., r].</summary>
    public Tensor LowRank(Tensor input) => nn.functional.linear(input, A);

    /// <summary>The adapter's contribution to the output from cached low-rank activations: <c>scale · (x·Aᵀ)·Bᵀ</c> [..., out].</summary>
    public Tensor Expand(Tensor lowRank) => nn.functional.linear(lowRank, B).mul(Scale);

    /// <summary>The adapter's contribution to the output for input x.</summary>
    public Tensor Delta(Tensor input)
    {
        using var lowRank = LowRank(input);
        return Expand(lowRank);
    }

    /// <summary><c>W x (+ bias) + scale · B (A x)</c>; with no adapter, just the base projection.</summary>
    public static Tensor Apply(Linear baseProjection, Tensor input, LoraProjection? adapter)
    {
        ArgumentNullException.ThrowIfNull(baseProjection);
        var output = DecodeLinear.Forward(baseProjection, input);
        if (adapter is null)
        {
            return output;
        }
        using var delta = adapter.Delta(input);
        using (output)
        {
            return output.add(delta);
        }
    }

    /// <summary>The base output and the rank-r activations separately (for per-adapter low-rank KV caching).</summary>
    public static (Tensor BaseOutput, Tensor LowRank) Split(Linear baseProjection, Tensor input, LoraProjection adapter)
    {
        ArgumentNullException.ThrowIfNull(baseProjection);
        ArgumentNullException.ThrowIfNull(adapter);
        return (baseProjection.forward(input), adapter.LowRank(input));
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
