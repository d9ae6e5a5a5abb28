namespace AgentRouter.Inference.Generation;

/// <summary>Greedy, temperature, top-k and top-p choice of the next token from one row of logits.</summary>
public static class TokenSampler
{
    public static int Choose(ReadOnlySpan<float> logits, GenerationOptions options, Random random)
    {
        if (options.IsGreedy)
        {
            return ArgMax(logits);
        }
        var candidates = new (int Token, double Logit)[logits.Length];
        for (var token = 0; token < logits.Length; token++)
        {
            candidates[token] = (token, logits[token] / options.Temperature);
        }
        Array.Sort(candidates, (left, right) => right.Logit.CompareTo(left.Logit));
        var keep = options.TopK > 0 ? Math.Min(options.TopK, candidates.Length) : candidates.Length;

        var maximum = candidates[0].Logit;
        var probabilities = new double[keep];
        var total = 0.0;
        for (var index = 0; index < keep; index++)
        {
            probabilities[index] = Math.Exp(candidates[index].Logit - maximum);
            total += probabilities[index];
        }
        if (options.TopP < 1.0)
        {
            var cumulative = 0.0;
            for (var index = 0; index < keep; index++)
            {
                cumulative += probabilities[index] / total;
                if (cumulative >= options.TopP)
                {
                    keep = index + 1;
                    break;
                }
            }
            total = probabilities.Take(keep).Sum();
        }
        var draw = random.NextDouble() * total;
        for (var index = 0; index < keep; index++)
        {
            draw -= probabilities[index];
            if (draw <= 0)
            {
                return candidates[index].Token;
            }
        }
        return candidates[keep - 1].Token;
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var token = 1; token < logits.Length; token++)
        {
            if (logits[token] > logits[best])
            {
                best = token;
            }
        }
        return best;
    }
}
