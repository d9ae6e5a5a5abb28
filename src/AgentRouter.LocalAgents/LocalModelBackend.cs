using AgentRouter.Core.Backends;
using System.Diagnostics;
using AgentRouter.Actors.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Core.Suite;
using AgentRouter.Inference.Adapters;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using AgentRouter.Inference.KvSharing;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.LocalAgents;

/// <summary>A model agent answered by a local MoE model on its host's torch thread. The chosen option is the option
/// letter with the highest logit at the answer position (as the trainer scores it); the probabilities are a softmax
/// over those letters' logits only; the working text is a short greedy continuation of the prompt. With a LoRA adapter,
/// every forward pass runs the host's shared base weights plus this agent's adapter. With a shared KV model the prompt and
/// continuation run in one pass through the process's KV block pool, reusing whatever prefix any agent on the same weights
/// (base and adapter) already prefilled, and the analysis says how much was reused.</summary>
public sealed class LocalModelBackend : IModelBackend
{
    private static readonly ByteLevelTokenizer Tokenizer = new();
    private static readonly int[] LetterIds = SuitePrompt.Letters.Select(letter => Tokenizer.Encode(letter).Single()).ToArray();

    private readonly ModelHost _host;
    private readonly LocalBackendSettings _settings;
    private readonly CostModel _cost;
    private readonly LoraAdapter? _adapter;
    private readonly SharedKvModel? _sharedKv;
    private readonly LowRankKvGroup? _lowRank;

    /// <param name="adapter">A LoRA adapter loaded by <paramref name="host"/>, or null for the base model.</param>
    /// <param name="sharedKv">The shared KV model on the same weights (base and adapter), or null for a private cache per request.</param>
    /// <param name="lowRank">For an adapter agent that opted into LRAgent-style sharing: its base's low-rank group (it must
    /// have registered <paramref name="adapter"/>).</param>
    public LocalModelBackend(ModelHost host, LocalBackendSettings settings, CostModel cost, LoraAdapter? adapter = null, SharedKvModel? sharedKv = null,
        LowRankKvGroup? lowRank = null)
    {
        if (lowRank is not null && adapter is null)
        {
            throw new ArgumentException("low-rank KV sharing is for LoRA agents: an adapter is required", nameof(lowRank));
        }
        _lowRank = lowRank;
        _adapter = adapter;
        _sharedKv = sharedKv;
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _cost = cost ?? throw new ArgumentNullException(nameof(cost));
    }

    public int Capacity => _settings.Capacity;

    public async ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var started = Stopwatch.GetTimestamp();
        var prompt = query.Text.EndsWith(SuitePrompt.AnswerCue, StringComparison.Ordinal) ? query.Text : query.Text + SuitePrompt.AnswerCue;
        var ids = Tokenizer.Encode(prompt);
        var options = query.Options ?? SuitePrompt.Letters;
        float[] logits;
        IReadOnlyList<int>? working = null;
        KvReuse? reuse = null;
        if (_lowRank is not null)
        {
            var result = await _lowRank.RunAsync(_adapter!, ids, _settings.WorkingTokens, cancellationToken).ConfigureAwait(false);
            logits = result.PromptLogits;
            working = result.GeneratedIds;
            reuse = new KvReuse(result.PromptTokens, result.ReusedTokens, KvReuseMode.LowRank);
        }
        else if (_sharedKv is not null)
        {
            var result = await _sharedKv.RunAsync(ids, _settings.WorkingTokens, cancellationToken).ConfigureAwait(false);
            logits = result.PromptLogits;
            working = result.GeneratedIds;
            reuse = new KvReuse(result.PromptTokens, result.ReusedTokens);
        }
        else
        {
            logits = (await _host.LogitsAsync(ids, allPositions: false, _adapter, cancellationToken).ConfigureAwait(false))[^1];
            if (_settings.WorkingTokens > 0)
            {
                var continuation = await _host.GenerateAsync([ids], GenerationOptions.GreedyDecoding(_settings.WorkingTokens), null, cancellationToken, _adapter).ConfigureAwait(false);
                working = continuation[0].GeneratedIds;
            }
        }
        var probabilities = LetterProbabilities(logits, Math.Min(options.Count, LetterIds.Length));
        var best = probabilities.MaxBy(pair => pair.Value);

        var text = _settings.WorkingTokens > 0 && working is not null ? Tokenizer.Decode(working).Trim() : best.Key;
        onToken?.Invoke(text);
        return new AgentAnalysis(agent, text, best.Key, best.Value, probabilities,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, _cost.Estimate(ids.Count, _settings.WorkingTokens + 1), KvReuse: reuse);
    }

    private static Dictionary<string, double> LetterProbabilities(float[] logits, int count)
    {
        var max = double.NegativeInfinity;
        for (var i = 0; i < count; i++)
        {
            max = Math.Max(max, logits[LetterIds[i]]);
        }
        var exps = new double[count];
        for (var i = 0; i < count; i++)
        {
            exps[i] = Math.Exp(logits[LetterIds[i]] - max);
        }
        var sum = exps.Sum();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            result[SuitePrompt.Letters[i]] = exps[i] / sum;
        }
        return result;
    }
}
