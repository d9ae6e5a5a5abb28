namespace AgentRouter.Inference.KvSharing;

/// <summary>A consistent snapshot of a <see cref="KvBlockPool"/>.</summary>
/// <param name="BlocksInUse">Blocks referenced by at least one sequence.</param>
/// <param name="BlocksCached">Published blocks nobody references: kept for reuse, evicted least recently used first.</param>
/// <param name="FreeBytes">Budget not held by any block.</param>
/// <param name="ReservedBytes">Bytes promised to admitted requests (the admission limit).</param>
/// <param name="WaitingRequests">Requests queued until enough of the budget is released.</param>
/// <param name="BlockLookups">Full prompt blocks looked up in the cache.</param>
/// <param name="BlockHits">Lookups answered by a cached block.</param>
/// <param name="BytesSaved">K/V bytes that hits did not have to compute and hold a second time.</param>
/// <param name="PrefillTokensSaved">Prompt positions that hits did not have to prefill.</param>
/// <param name="BlocksDeduplicated">Blocks a sequence filled itself and then swapped for an equal published one (e.g. the same
/// greedy continuation by another agent on the same weights), freeing its copy.</param>
public sealed record KvPoolMetrics(
    long BudgetBytes,
    long UsedBytes,
    long FreeBytes,
    long ReservedBytes,
    int BlocksInUse,
    int BlocksCached,
    int WaitingRequests,
    long BlockLookups,
    long BlockHits,
    long BytesSaved,
    long PrefillTokensSaved,
    long Evictions,
    long HashCollisions,
    long BlocksDeduplicated)
{
    public double HitRate => BlockLookups == 0 ? 0 : (double)BlockHits / BlockLookups;
}
