using System.Collections.Concurrent;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Hosting;

/// <summary>
/// Owns one model and the one thread that does all of its torch work. Requests are queued to that
/// thread and answered through Tasks, so callers (actors, the CLI) never touch torch state themselves
/// and no dispose scope or inference-mode guard ever spans an await.
/// </summary>
public sealed class ModelHost : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread _thread;
    private readonly Dictionary<string, LoraAdapter> _adapters = new(StringComparer.Ordinal);
    private MoeForCausalLm? _model;
    private LoraBaseModel? _baseModel;

    private ModelHost(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "torch:" + name };
        _thread.Start();
    }

    public MoeModelConfig Config => _model?.Config ?? throw new InvalidOperationException("the model is not loaded");

    /// <summary>Loads a checkpoint folder on the host's thread (CUDA when available unless a device is given).</summary>
    /// <param name="dtype">The parameters' dtype. On the CPU, tensors already stored in it are memory-mapped, not copied.</param>
    public static async Task<ModelHost> LoadAsync(string checkpointDirectory, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        var host = new ModelHost(Path.GetFileName(Path.TrimEndingDirectorySeparator(checkpointDirectory)));
        try
        {
            await host.Enqueue(() =>
            {
                host._model = ModelCheckpoint.Load(checkpointDirectory, device ?? InferenceDevice.Select(), dtype, mapWeights: true);
                host._baseModel = LoraBaseModel.FromDirectory(checkpointDirectory, host._model.Config);
            }).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Hosts a model built by <paramref name="factory"/> on the host's thread (e.g. a randomly initialised one).</summary>
    public static async Task<ModelHost> CreateAsync(string name, Func<MoeForCausalLm> factory)
    {
        var host = new ModelHost(name);
        try
        {
            await host.Enqueue(() => host._model = factory()).ConfigureAwait(false);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a LoRA adapter over this host's model (on its thread, on its device), checking that it was trained on
    /// this base. Each adapter folder is loaded once; the host owns it and disposes it with the model. A host made by
    /// <see cref="CreateAsync"/> has no checkpoint folder, so only the adapter's shapes are checked against its config.
    /// </summary>
    public Task<LoraAdapter> LoadAdapterAsync(string adapterDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(adapterDirectory);
        var key = Path.TrimEndingDirectorySeparator(Path.GetFullPath(adapterDirectory));
        return Enqueue(() =>
        {
            if (!_adapters.TryGetValue(key, out var adapter))
            {
                var baseModel = _baseModel ?? new LoraBaseModel(Model.Config, null, null);
                adapter = LoraAdapterLoader.Load(key, baseModel, Model.Device, Model.DType);
                _adapters[key] = adapter;
            }
            return adapter;
        }, cancellationToken);
    }

    /// <param name="adapter">A LoRA adapter from <see cref="LoadAdapterAsync"/>, or null for the base model.</param>
    public Task<IReadOnlyList<GeneratedSequence>> GenerateAsync(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options,
        Action<GeneratedToken>? onToken = null, CancellationToken cancellationToken = default, LoraAdapter? adapter = null) =>
        Enqueue(() => SequenceGenerator.Generate(Model, prompts, options, onToken, cancellationToken, adapter), cancellationToken);

    /// <summary>Logits [T or 1][V] for one sequence without cache.</summary>
    public Task<float[][]> LogitsAsync(IReadOnlyList<int> ids, bool allPositions, CancellationToken cancellationToken = default) =>
        LogitsAsync(ids, allPositions, null, cancellationToken);

    /// <summary>Logits [T or 1][V] for one sequence without cache, through <paramref name="adapter"/> when given.</summary>
    public Task<float[][]> LogitsAsync(IReadOnlyList<int> ids, bool allPositions, LoraAdapter? adapter, CancellationToken cancellationToken = default) =>
        Enqueue(() => LogitsCalculator.Compute(Model, ids, allPositions, adapter), cancellationToken);

    /// <summary>Runs arbitrary torch work against the model on the host's thread.</summary>
    public Task<T> RunAsync<T>(Func<MoeForCausalLm, T> work, CancellationToken cancellationToken = default) =>
        Enqueue(() => work(Model), cancellationToken);

    public void Dispose()
    {
        if (_queue.IsAddingCompleted)
        {
            return;
        }
        _queue.Add(() =>
        {
            foreach (var adapter in _adapters.Values)
            {
                adapter.Dispose();
            }
            _adapters.Clear();
            _model?.Dispose();
            _model = null;
        });
        _queue.CompleteAdding();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private MoeForCausalLm Model => _model ?? throw new ObjectDisposedException(nameof(ModelHost));

    private Task Enqueue(Action work) => Enqueue(() =>
    {
        work();
        return true;
    }, CancellationToken.None);

    private Task<T> Enqueue<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add(() =>
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    completion.TrySetCanceled(cancellationToken);
                    return;
                }
                try
                {
                    completion.TrySetResult(work());
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    completion.TrySetCanceled(cancellationToken);
                }
                catch (Exception exception)
                {
                    completion.TrySetException(exception);
                }
            }, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            completion.TrySetException(new ObjectDisposedException(nameof(ModelHost)));
        }
        return completion.Task;
    }

    private void Run()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
