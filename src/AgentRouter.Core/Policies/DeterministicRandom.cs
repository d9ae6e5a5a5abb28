using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>xoshiro256** generator whose whole state fits in a snapshot (System.Random's does not), with the
/// samplers the policies need: uniform, Gaussian (ziggurat), Gamma (Marsaglia–Tsang) and Beta (ratio of
/// Gammas).</summary>
public sealed class DeterministicRandom
{
    private Xoshiro _state;

    public DeterministicRandom(int seed)
    {
        // SplitMix64 spreads the 32-bit seed over the 256-bit state, as the xoshiro authors recommend.
        var x = unchecked((ulong)(long)seed);
        _state = new Xoshiro(SplitMix(ref x), SplitMix(ref x), SplitMix(ref x), SplitMix(ref x));
    }

    public ulong NextUInt64() => _state.Next();

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => _state.NextDouble();

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
        var bits = NextUInt64();
        return Ziggurat.TryFast(bits, out var z) ? z : GaussianAfter(bits);
    }

    /// <summary>The rest of <see cref="NextGaussian"/> after a first draw (<paramref name="bits"/>) that the ziggurat's fast
    /// path did not accept: the base strip's tail, a wedge test, or further draws.</summary>
    private double GaussianAfter(ulong bits)
    {
        var x = Ziggurat.X;
        while (true)
        {
            if (Ziggurat.TryFast(bits, out var z))
            {
                return z;
            }

            var u = Ziggurat.Uniform(bits);
            var layer = Ziggurat.Layer(bits);
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

            bits = NextUInt64();
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
        CheckShape(shape);
        var state = _state;
        var sample = Gamma(ref state, shape);
        _state = state;
        return sample;
    }

    public double NextBeta(double alpha, double beta)
    {
        var x = NextGamma(alpha);
        var y = NextGamma(beta);
        return x / (x + y);
    }

    /// <summary>Draws <c>samples[i] ~ Beta(alpha[i], beta[i])</c> for every i, in order: the same numbers, from the same
    /// stream, as that many <see cref="NextBeta"/> calls. Faster than those calls because the generator's state stays in
    /// registers for the whole batch instead of going through memory between draws (Thompson sampling draws two Gammas
    /// per arm, and each draw's state update waited on the last one's stores).</summary>
    /// <exception cref="ArgumentException">The spans differ in length, or a shape is not positive.</exception>
    public void NextBetas(ReadOnlySpan<double> alpha, ReadOnlySpan<double> beta, Span<double> samples)
    {
        if (alpha.Length != samples.Length || beta.Length != samples.Length)
        {
            throw new ArgumentException("alpha, beta and samples must have the same length.", nameof(samples));
        }

        for (var i = 0; i < samples.Length; i++)
        {
            CheckShape(alpha[i]);
            CheckShape(beta[i]);
        }

        var state = _state;
        for (var i = 0; i < samples.Length; i++)
        {
            var x = Gamma(ref state, alpha[i]);
            var y = Gamma(ref state, beta[i]);
            samples[i] = x / (x + y);
        }

        _state = state;
    }

    private static void CheckShape(double shape)
    {
        if (!(shape > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "The Gamma shape must be positive.");
        }
    }

    /// <summary>Marsaglia–Tsang on a local copy of the state (the caller stores it back); the rare draws the ziggurat's
    /// fast path rejects go through <see cref="GaussianAfter"/> on the object's own state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Gamma(ref Xoshiro state, double shape)
    {
        var boost = shape < 1;
        var a = boost ? shape + 1 : shape;
        var d = a - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        double sample;
        while (true)
        {
            double x, v;
            do
            {
                var bits = state.Next();
                if (!Ziggurat.TryFast(bits, out x))
                {
                    _state = state;
                    x = GaussianAfter(bits);
                    state = _state;
                }

                v = 1 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = state.NextDouble();
            var x2 = x * x;
            // The squeeze accepts ~98% of draws without a logarithm.
            if (u < 1 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1 - v + Math.Log(v)))
            {
                sample = d * v;
                break;
            }
        }

        return boost ? sample * Math.Pow(state.NextDouble(), 1 / shape) : sample;
    }

    public JsonObject ToJson() => new()
    {
        ["s"] = new JsonArray(Hex(_state.S0), Hex(_state.S1), Hex(_state.S2), Hex(_state.S3)),
    };

    public void Restore(JsonNode? state)
    {
        if (state is not JsonObject obj || obj["s"] is not JsonArray words || words.Count != 4)
        {
            throw new ArgumentException("The snapshot's random-generator state ('random') is missing or malformed.", "random");
        }

        _state = new Xoshiro(ParseHex(words[0]), ParseHex(words[1]), ParseHex(words[2]), ParseHex(words[3]));
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

        /// <summary>The draw's uniform in [−1, 1) (its top 53 bits).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static double Uniform(ulong bits) => 2 * ((bits >> 11) * (1.0 / (1UL << 53))) - 1;

        /// <summary>The draw's layer (its low 7 bits).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Layer(ulong bits) => (int)(bits & 0x7F);

        /// <summary>The ~99% case: the point falls inside its layer's rectangle under the density.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool TryFast(ulong bits, out double z)
        {
            var u = Uniform(bits);
            var layer = Layer(bits);
            z = u * X[layer];
            return Math.Abs(u) < Ratio[layer];
        }

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

    /// <summary>xoshiro256** state. A struct so that a batch of draws can keep it in registers (see
    /// <see cref="NextBetas"/>).</summary>
    private struct Xoshiro(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        public ulong S0 = s0, S1 = s1, S2 = s2, S3 = s3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Next()
        {
            var result = RotateLeft(S1 * 5, 7) * 9;
            var t = S1 << 17;
            S2 ^= S0;
            S3 ^= S1;
            S1 ^= S2;
            S0 ^= S3;
            S2 ^= t;
            S3 = RotateLeft(S3, 45);
            return result;
        }

        /// <summary>Uniform in [0, 1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
    }
}
