using System.Diagnostics;

namespace AgentRouter.Inference.Kernels;

/// <summary>
/// Shares the rows of a decode product between the calling thread and one persistent helper thread, as llama.cpp
/// splits every matrix–vector product over its threads. Used only when the engine is configured for two or more torch
/// threads (<see cref="TorchSharp.torch.get_num_threads"/>: the engine's thread setting; libtorch's own pool stays as
/// configured) and the product is large enough to pay for the hand-over. The helper spins between products (a decode
/// step runs ~50 of them a few microseconds apart; waking a blocked thread would cost as much as a product) and blocks
/// after <see cref="SpinTime"/> without work. Rows are handed out in chunks from a shared counter, so a helper that the
/// OS has descheduled costs nothing: the caller takes every chunk itself and withdraws the job if the helper never
/// started it.
/// </summary>
internal static unsafe class DecodeWorker
{
    /// <summary>Below this many weight bytes per product the hand-over costs more than half the product saves.</summary>
    public const long MinimumBytes = 64 * 1024;

    private const int Idle = 0;
    private const int Posted = 1;
    private const int Running = 2;
    private const int Done = 3;

    private static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(2);
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly Lock StartLock = new();
    private static readonly Lock CallerLock = new();
    private static Thread? _helper;
    private static int _state;
    private static int _sleeping;
    private static delegate*<void*, int, int, void> _body;
    private static void* _argument;
    private static int _count;
    private static int _chunk;
    private static int _next;

    /// <summary>Process-wide switch (on by default); off, every product runs on its calling thread.</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>For tests, on their own thread: true shares every product of 8 or more rows whatever the thread setting,
    /// false shares none; null follows <see cref="Enabled"/> and the engine's thread count.</summary>
    [ThreadStatic]
    internal static bool? ShareOverride;

    /// <summary>Runs <paramref name="body"/>(argument, start, end) over [0, count) in chunks, on this thread and, where
    /// it pays, on the helper too. Returns when every chunk is done. <paramref name="argument"/> must stay valid (pinned)
    /// until then.</summary>
    public static void For(int count, long weightBytes, delegate*<void*, int, int, void> body, void* argument)
    {
        if (!ShouldShare(count, weightBytes) || !CallerLock.TryEnter())
        {
            body(argument, 0, count);
            return;
        }
        try
        {
            EnsureHelper();
            _body = body;
            _argument = argument;
            _count = count;
            _chunk = Math.Max(4, (count + 7) / 8);
            _next = 0;
            Interlocked.Exchange(ref _state, Posted);
            if (Volatile.Read(ref _sleeping) == 1)
            {
                Wake.Release();
            }
            RunChunks();
            if (Interlocked.CompareExchange(ref _state, Idle, Posted) != Posted)
            {
                // The helper took the job: wait for the chunk it is on.
                var spinner = default(SpinWait);
                while (Volatile.Read(ref _state) != Done)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
                Volatile.Write(ref _state, Idle);
            }
        }
        finally
        {
            CallerLock.Exit();
        }
    }

    private static bool ShouldShare(int count, long weightBytes) =>
        ShareOverride is { } forced ? forced && count >= 8 : Enabled && count >= 8 && weightBytes >= MinimumBytes && Environment.ProcessorCount >= 2 && TorchSharp.torch.get_num_threads() >= 2;

    private static void RunChunks()
    {
        var body = _body;
        var argument = _argument;
        var count = _count;
        var chunk = _chunk;
        while (true)
        {
            var start = Interlocked.Add(ref _next, chunk) - chunk;
            if (start >= count)
            {
                return;
            }
            body(argument, start, Math.Min(start + chunk, count));
        }
    }

    private static void EnsureHelper()
    {
        if (_helper is not null)
        {
            return;
        }
        lock (StartLock)
        {
            _helper ??= StartHelper();
        }
    }

    private static Thread StartHelper()
    {
        var thread = new Thread(HelperLoop) { IsBackground = true, Name = "agentrouter-decode-helper" };
        thread.Start();
        return thread;
    }

    private static void HelperLoop()
    {
        var spinLimit = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var idleSince = Stopwatch.GetTimestamp();
            var spins = 0;
            while (Volatile.Read(ref _state) != Posted)
            {
                if ((++spins & 63) != 0 || Stopwatch.GetTimestamp() - idleSince < spinLimit)
                {
                    Thread.SpinWait(1);
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _state) != Posted)
                {
                    Wake.Wait();
                }
                Interlocked.Exchange(ref _sleeping, 0);
                idleSince = Stopwatch.GetTimestamp();
            }
            if (Interlocked.CompareExchange(ref _state, Running, Posted) != Posted)
            {
                continue;
            }
            RunChunks();
            Volatile.Write(ref _state, Done);
        }
    }
}
