namespace AgentRouter.Inference.KvSharing;

/// <summary>Low-rank (LRAgent) KV sharing was asked for where it cannot work: the message names the file and field.</summary>
public sealed class LowRankSharingException(string message) : Exception(message);
