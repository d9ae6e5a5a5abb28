using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>xoshiro256** generator whose whole state fits in a snapshot (System.Random's does not), with the
/// samplers the policies need: uniform, Gaussian (Marsaglia polar, spare cached), Gamma (Marsaglia–Tsang) and
/// Beta (ratio of Gammas).</summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    public DeterministicRandom(int seed)
    {
        // SplitMix64 spreads the 32-bit seed over the 256-bit state, as the xoshiro authors recommend.
        var x = unchecked((ulong)(long)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive) (Lemire's multiply-shift; bias below 2⁻³² is irrelevant here).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Standard normal.</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    /// <summary>Gamma(shape, 1) by Marsaglia–Tsang; shapes below 1 use the boost Gamma(a+1)·U^(1/a).</summary>
    public double NextGamma(double shape)
    {
        if (!(shape > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The Gamma shape must be positive.");
        }

        if (shape < 1)
        {
            var boosted = NextGamma(shape + 1);
            return boosted * Math.Pow(NextDouble(), 1 / shape);
        }

        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextGaussian();
                v = 1 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = NextDouble();
            var x2 = x * x;
            // The squeeze accepts ~98% of draws without a logarithm.
            if (u < 1 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }

    public double NextBeta(double alpha, double beta)
    {
        var x = NextGamma(alpha);
        var y = NextGamma(beta);
        return x / (x + y);
    }

    public JsonObject ToJson() => new()
    {
        ["s"] = new JsonArray(Hex(_s0), Hex(_s1), Hex(_s2), Hex(_s3)),
        ["hasSpare"] = _hasSpare,
        ["spare"] = _spareGaussian,
    };

    public void Restore(JsonNode? state)
    {
        if (state is not JsonObject obj || obj["s"] is not JsonArray words || words.Count != 4)
        {
            throw new ArgumentException("The snapshot's random-generator state ('random') is missing or malformed.", "random");
        }

        _s0 = ParseHex(words[0]);
        _s1 = ParseHex(words[1]);
        _s2 = ParseHex(words[2]);
        _s3 = ParseHex(words[3]);
        _hasSpare = obj["hasSpare"]?.GetValue<bool>() ?? false;
        _spareGaussian = obj["spare"]?.GetValue<double>() ?? 0;
    }

    private static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong ParseHex(JsonNode? node) =>
        ulong.Parse(node?.GetValue<string>() ?? throw new ArgumentException("A random-state word is missing.", "random"),
            NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
