namespace AgentRouter.Inference.KvSharing;

/// <summary>Shape and budget of a <see cref="KvBlockPool"/>.</summary>
/// <param name="TokensPerBlock">Positions per block; only whole blocks are shared, so smaller blocks share more of a prefix
/// at the cost of more bookkeeping and gathering.</param>
/// <param name="BudgetBytes">The most bytes of K/V the pool ever holds, referenced and cached blocks together.</param>
public sealed record KvBlockPoolOptions(int TokensPerBlock = 16, long BudgetBytes = 64L * 1024 * 1024)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the bad field.</summary>
    public KvBlockPoolOptions Validated()
    {
        if (TokensPerBlock < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TokensPerBlock), TokensPerBlock, "tokens per KV block must be at least 1");
        }
        if (BudgetBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BudgetBytes), BudgetBytes, "the KV pool budget must be at least 1 byte");
        }
        return this;
    }
}
