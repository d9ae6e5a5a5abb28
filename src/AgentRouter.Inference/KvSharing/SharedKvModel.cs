using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// A hosted model answering through a shared <see cref="KvBlockPool"/>: reserves the request's KV bytes (waiting while the
/// pool is committed to others), then runs <see cref="SharedPrefixRunner"/> on the host's torch thread. Every agent on the
/// same weights should use the same <paramref name="weightsId"/> and pool, so one agent's prefill serves the others.
/// </summary>
public sealed class SharedKvModel(ModelHost host, KvBlockPool pool, string weightsId, LoraAdapter? adapter = null)
{
    /// <summary>The KV identity of a base checkpoint with an optional adapter folder: blocks are shared only between
    /// sequences run on exactly the same weights.</summary>
    public static string WeightsIdFor(string baseId, string? adapterDirectory) =>
        adapterDirectory is null ? baseId : baseId + "|lora:" + Path.TrimEndingDirectorySeparator(Path.GetFullPath(adapterDirectory));

    public LoraAdapter? Adapter { get; } = adapter;

    public ModelHost Host { get; } = host ?? throw new ArgumentNullException(nameof(host));

    public KvBlockPool Pool { get; } = pool ?? throw new ArgumentNullException(nameof(pool));

    public string WeightsId { get; } = weightsId ?? throw new ArgumentNullException(nameof(weightsId));

    /// <summary>Generates as <paramref name="options"/> say (sampling, stop ids and conditions) through the shared pool.</summary>
    /// <exception cref="KvBudgetExceededException">The request alone needs more than the pool's whole budget.</exception>
    public async Task<SharedPrefixResult> GenerateAsync(IReadOnlyList<int> prompt, GenerationOptions options, Action<GeneratedToken>? onToken = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        var bytes = TensorKvPayload.RequestBytes(Host.Config, Pool.TokensPerBlock, await Host.RunAsync(model => model.DType, cancellationToken).ConfigureAwait(false),
            prompt.Count + options.MaxNewTokens);
        var reservation = await Pool.ReserveAsync(bytes, cancellationToken).ConfigureAwait(false);
        try
        {
            return await Host.RunAsync(model => SharedPrefixRunner.Generate(model, reservation, WeightsId, Pool.TokensPerBlock, prompt, options, onToken, cancellationToken, Adapter),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            reservation.Dispose();
        }
    }

    /// <exception cref="KvBudgetExceededException">The request alone needs more than the pool's whole budget.</exception>
    public async Task<SharedPrefixResult> RunAsync(IReadOnlyList<int> prompt, int greedyTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var config = Host.Config;
        var bytes = TensorKvPayload.RequestBytes(config, Pool.TokensPerBlock, await Host.RunAsync(model => model.DType, cancellationToken).ConfigureAwait(false),
            prompt.Count + greedyTokens);
        var reservation = await Pool.ReserveAsync(bytes, cancellationToken).ConfigureAwait(false);
        try
        {
            return await Host.RunAsync(model => SharedPrefixRunner.Run(model, reservation, WeightsId, Pool.TokensPerBlock, prompt, greedyTokens, null, cancellationToken, Adapter),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            reservation.Dispose();
        }
    }
}
