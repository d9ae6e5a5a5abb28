using static TorchSharp.torch;

namespace AgentRouter.Inference.Modules;

/// <summary>
/// Cached rotate-half RoPE cos/sin tables, one per device, grown by doubling when a longer position is
/// asked for. Built outside inference mode so that training can use them too. The sin table carries the
/// sign of rotate_half (first half negated), so applying RoPE is one roll and three elementwise ops.
/// </summary>
public sealed class RotaryTable : IDisposable
{
    private readonly int _headDim;
    private readonly double _theta;
    private readonly Dictionary<string, (Tensor Cos, Tensor Sin)> _tables = new(StringComparer.Ordinal);

    public RotaryTable(int headDim, double theta)
    {
        _headDim = headDim;
        _theta = theta;
    }

    /// <summary>cos and signed sin for the given positions [B, T], shaped [B, 1, T, headDim] for broadcasting over heads.</summary>
    public (Tensor Cos, Tensor Sin) Gather(Tensor positionIds, ScalarType dtype)
    {
        var maxPosition = positionIds.max().item<long>();
        var (cos, sin) = TableFor(positionIds.device, maxPosition + 1);
        var flat = positionIds.reshape(-1);
        var shape = new[] { positionIds.shape[0], 1, positionIds.shape[1], _headDim };
        return (cos.index_select(0, flat).reshape(shape).to(dtype), sin.index_select(0, flat).reshape(shape).to(dtype));
    }

    /// <summary>
    /// x * cos + rotate_half(x) * sin with rotate_half(x) = cat(-x2, x1), computed as
    /// x * cos + roll(x, D/2) * signedSin where signedSin = cat(-sin1, sin2) (from <see cref="Gather"/>):
    /// the products are the same floats, with three fewer ops.
    /// </summary>
    public static Tensor Apply(Tensor states, Tensor cos, Tensor signedSin) =>
        (states * cos) + (states.roll(states.shape[^1] / 2, -1) * signedSin);

    public void Dispose()
    {
        foreach (var (cos, sin) in _tables.Values)
        {
            cos.Dispose();
            sin.Dispose();
        }
        _tables.Clear();
    }

    /// <summary>The float32 tables [at least <paramref name="length"/>, headDim] on <paramref name="device"/>: row p holds
    /// position p's cos and signed sin (what <see cref="Gather"/> selects).</summary>
    internal (Tensor Cos, Tensor Sin) TableFor(Device device, long length)
    {
        var key = device.ToString();
        if (_tables.TryGetValue(key, out var table) && table.Cos.shape[0] >= length)
        {
            return table;
        }
        var capacity = Math.Max(256L, table.Cos is null ? length : Math.Max(length, table.Cos.shape[0] * 2));
        if (table.Cos is not null)
        {
            table.Cos.Dispose();
            table.Sin.Dispose();
        }
        using (inference_mode(false))
        using (NewDisposeScope())
        {
            var exponents = arange(0, _headDim, 2, ScalarType.Float64, device) / _headDim;
            var inverseFrequency = pow(_theta, exponents).reciprocal();
            var positions = arange(0, capacity, 1, ScalarType.Float64, device);
            var frequencies = outer(positions, inverseFrequency);
            var angles = cat(new[] { frequencies, frequencies }, -1);
            var sines = frequencies.sin();
            var signedSines = cat(new[] { sines.neg(), sines }, -1);
            table = (angles.cos().to(ScalarType.Float32).DetachFromDisposeScope(), signedSines.to(ScalarType.Float32).DetachFromDisposeScope());
        }
        _tables[key] = table;
        return table;
    }
}
