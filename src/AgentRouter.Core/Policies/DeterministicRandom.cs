using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>xoshiro256** generator whose whole state fits in a snapshot (System.Random's does not), with the
/// samplers the policies need: uniform, Gaussian (ziggurat), Gamma (Marsaglia–Tsang) and Beta (ratio of
/// Gammas).</summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

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

    /// <summary>Standard normal, by Marsaglia and Tsang's ziggurat in Doornik's formulation (128 layers): one
    /// 64-bit draw and a multiply in ~99% of cases, which keeps Thompson sampling's many Gamma draws cheap.</summary>
    public double NextGaussian()
    {
        var x = Ziggurat.X;
        var ratio = Ziggurat.Ratio;
        while (true)
        {
            var bits = NextUInt64();
            var u = 2 * ((bits >> 11) * (1.0 / (1UL << 53))) - 1;
            var layer = (int)(bits & 0x7F);
            if (Math.Abs(u) < ratio[layer])
            {
                return u * x[layer];
            }

            if (layer == 0)
            {
                return Tail(u < 0);
            }

            var candidate = u * x[layer];
            var f0 = Math.Exp(-0.5 * (x[layer] * x[layer] - candidate * candidate));
            var f1 = Math.Exp(-0.5 * (x[layer + 1] * x[layer + 1] - candidate * candidate));
            if (f1 + NextOpenDouble() * (f0 - f1) < 1.0)
            {
                return candidate;
            }
        }
    }

    private double Tail(bool negative)
    {
        double x, y;
        do
        {
            x = Math.Log(NextOpenDouble()) / Ziggurat.R;
            y = Math.Log(NextOpenDouble());
        }
        while (-2 * y < x * x);

        return negative ? x - Ziggurat.R : Ziggurat.R - x;
    }

    /// <summary>Uniform in (0, 1), safe for logarithms.</summary>
    private double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

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
    }

    private static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong ParseHex(JsonNode? node)
    {
        var text = node is null ? null : PolicyState.Value<string>(node, "random.s");
        if (text is null || !ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var word))
        {
            throw new ArgumentException("The snapshot's random-generator state ('random.s') holds a missing or malformed word.", "random.s");
        }

        return word;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Layer tables of the 128-layer normal ziggurat (Doornik 2005): X[i] are the layer edges and
    /// Ratio[i] = X[i+1]/X[i] the share of a layer inside the density.</summary>
    private static class Ziggurat
    {
        public const double R = 3.442619855899;
        private const double V = 9.91256303526217e-3;
        private const int Layers = 128;

        public static readonly double[] X = BuildEdges();
        public static readonly double[] Ratio = BuildRatios(X);

        private static double[] BuildEdges()
        {
            var x = new double[Layers + 1];
            var f = Math.Exp(-0.5 * R * R);
            x[0] = V / f;
            x[1] = R;
            x[Layers] = 0;
            for (var i = 2; i < Layers; i++)
            {
                x[i] = Math.Sqrt(-2 * Math.Log(V / x[i - 1] + f));
                f = Math.Exp(-0.5 * x[i] * x[i]);
            }

            return x;
        }

        private static double[] BuildRatios(double[] x)
        {
            var ratio = new double[Layers];
            for (var i = 0; i < Layers; i++)
            {
                ratio[i] = x[i + 1] / x[i];
            }

            return ratio;
        }
    }
}
