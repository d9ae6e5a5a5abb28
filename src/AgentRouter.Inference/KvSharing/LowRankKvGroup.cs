using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.Modules;

namespace AgentRouter.Inference.KvSharing;

/// <summary>
/// The LoRA agents on one hosted base that opted into low-rank KV sharing, answering independently (as a router's panel
/// members do): the first of them to ask about a context has the base prefill it once, keeping U = x·Aᵀ for every
/// registered agent (<see cref="LowRankContext"/>); the others continue from it. The last few contexts are kept; their base
/// blocks stay reserved in the pool until they are dropped. Approximate (see <see cref="LowRankPanelRunner"/>).
/// </summary>
public sealed class LowRankKvGroup : IDisposable
{
    private readonly List<LoraAdapter> _adapters = [];
    private readonly LinkedList<Entry> _contexts = new();
    private readonly int _contextsKept;
    private RotaryTable? _rotary;

    public LowRankKvGroup(ModelHost host, KvBlockPool pool, string baseWeightsId, int contextsKept = 4)
    {
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Pool = pool ?? throw new ArgumentNullException(nameof(pool));
        BaseWeightsId = baseWeightsId ?? throw new ArgumentNullException(nameof(baseWeightsId));
        ArgumentOutOfRangeException.ThrowIfLessThan(contextsKept, 1);
        _contextsKept = contextsKept;
        LowRankKvDelta.EnsureSupported(host.Config);
    }

    public ModelHost Host { get; }

    public KvBlockPool Pool { get; }

    public string BaseWeightsId { get; }

    /// <summary>Adds an agent's adapter; contexts prefilled from now on keep its U too.</summary>
    public void Register(LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        lock (_adapters)
        {
            if (!_adapters.Contains(adapter))
            {
                _adapters.Add(adapter);
            }
        }
    }

    /// <summary>Answers <paramref name="prompt"/> for the registered <paramref name="adapter"/>; <c>ReusedTokens</c> is the context
    /// length when another agent's request already prefilled it, else 0.</summary>
    public async Task<SharedPrefixResult> RunAsync(LoraAdapter adapter, IReadOnlyList<int> prompt, int greedyTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count < 2)
        {
            throw new GenerationRequestException("prompt", "low-rank KV sharing needs a prompt of at least 2 tokens");
        }
        var bytes = TensorKvPayload.RequestBytes(Host.Config, Pool.TokensPerBlock, await Host.RunAsync(model => model.DType, cancellationToken).ConfigureAwait(false),
            prompt.Count - 1);
        var reservation = await Pool.ReserveAsync(bytes, cancellationToken).ConfigureAwait(false);
        try
        {
            return await Host.RunAsync(model => Answer(model, adapter, prompt, greedyTokens, ref reservation), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            reservation?.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var entry in _contexts)
        {
            entry.Dispose();
        }
        _contexts.Clear();
        _rotary?.Dispose();
    }

    // Runs on the host's torch thread, which serialises every request of the group, so the context list needs no lock.
    private SharedPrefixResult Answer(MoeForCausalLm model, LoraAdapter adapter, IReadOnlyList<int> prompt, int greedyTokens, ref KvReservation? reservation)
    {
        RequestValidator.ValidateGeneration(model.Config, [prompt], GenerationOptions.GreedyDecoding(Math.Max(1, greedyTokens)));
        using var inference = TorchSharp.torch.inference_mode();
        var contextTokens = prompt.Take(prompt.Count - 1).ToArray();
        var entry = _contexts.FirstOrDefault(candidate => candidate.Adapters.Contains(adapter) && candidate.Tokens.AsSpan().SequenceEqual(contextTokens));
        var reused = entry is not null;
        if (entry is null)
        {
            LoraAdapter[] adapters;
            lock (_adapters)
            {
                adapters = _adapters.Contains(adapter) ? [.. _adapters] : [.. _adapters, adapter];
            }
            var context = LowRankContext.Prefill(model, reservation!, BaseWeightsId, Pool.TokensPerBlock, contextTokens, adapters);
            entry = new Entry(contextTokens, adapters, context, reservation!);
            reservation = null;
            _contexts.AddFirst(entry);
            while (_contexts.Count > _contextsKept)
            {
                _contexts.Last!.Value.Dispose();
                _contexts.RemoveLast();
            }
        }
        else
        {
            _contexts.Remove(entry);
            _contexts.AddFirst(entry);
        }
        _rotary ??= new RotaryTable(model.Config.HeadDim, model.Config.RopeTheta);
        var (result, _) = LowRankPanelRunner.Continue(model, entry.Context, Array.IndexOf(entry.Adapters, adapter), _rotary, prompt, greedyTokens);
        return result with { ReusedTokens = reused ? entry.Context.Length : 0 };
    }

    private sealed record Entry(int[] Tokens, LoraAdapter[] Adapters, LowRankContext Context, KvReservation Reservation) : IDisposable
    {
        public void Dispose()
        {
            Context.Dispose();
            Reservation.Dispose();
        }
    }
}
