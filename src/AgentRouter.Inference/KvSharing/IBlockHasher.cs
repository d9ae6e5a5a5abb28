namespace AgentRouter.Inference.KvSharing;

/// <summary>Hashes one block of a chain: the parent block's hash, the block's tokens and the weights that produce its K/V.
/// Equal hashes are only candidates; the pool confirms a match by comparing tokens, weights and parent.</summary>
public interface IBlockHasher
{
    ulong Hash(ulong parentHash, ReadOnlySpan<int> tokens, string weightsId);
}
