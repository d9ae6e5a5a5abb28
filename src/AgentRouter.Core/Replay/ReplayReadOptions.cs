namespace AgentRouter.Core.Replay;

/// <summary>How open7b (which records no cost) is priced.</summary>
public enum AssumedCost
{
    /// <summary>Proportional to the parameter count in the model's name ("7B", "8b"): <see cref="ReplayReadOptions.DollarsPerBillionParameters"/> per call per billion parameters.</summary>
    Params,

    /// <summary>Every call costs <see cref="ReplayReadOptions.UniformCost"/>.</summary>
    Uniform,
}

/// <summary>Choices a reader needs that the data does not state.</summary>
/// <param name="Seed">Seeds the latency jitter.</param>
/// <param name="SkipBadRows">Drop (and count) malformed rows instead of stopping at the first.</param>
public sealed record ReplayReadOptions(
    int Seed = 1,
    bool SkipBadRows = false,
    LatencyModel? LatencyModel = null,
    AssumedCost AssumedCost = AssumedCost.Params,
    double DollarsPerBillionParameters = 0.0001,
    double UniformCost = 0.0007)
{
    public LatencyModel Latency => LatencyModel ?? LatencyModel.Default;
}
