namespace AgentRouter.Inference.KvSharing;

/// <summary>A single request needs more KV bytes than the whole pool may ever hold, so waiting would never help.</summary>
public sealed class KvBudgetExceededException : Exception
{
    public KvBudgetExceededException(long requestedBytes, long budgetBytes)
        : base($"the request needs {requestedBytes} bytes of KV cache but the pool's whole budget is {budgetBytes} bytes; " +
            "raise the KV pool budget or shorten the prompt / new-token limit")
    {
        RequestedBytes = requestedBytes;
        BudgetBytes = budgetBytes;
    }

    public long RequestedBytes { get; }

    public long BudgetBytes { get; }
}
