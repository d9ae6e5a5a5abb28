using System.Diagnostics;
using System.Text;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Backends;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Gguf;
using AgentRouter.Inference.Templates;

namespace AgentRouter.LlamaCpp;

/// <summary>
/// A model agent answered by llama.cpp from a GGUF file: the query is rendered with the file's own chat template
/// (<c>tokenizer.chat_template</c>, by this project's Jinja renderer), tokenised by llama.cpp, generated greedily or by
/// temperature / top-p sampling up to the file's end-of-generation ids or <c>maxTokens</c>, and streamed piece by piece.
/// One context serves one request at a time (capacity 1); the work runs off the caller's thread and stops between
/// tokens when cancelled.
/// </summary>
public sealed class LlamaCppBackend : IModelBackend, IDisposable
{
    public const string Kind = "llamacpp";

    private readonly LlamaCppModel _model;
    private readonly LlamaCppBackendSettings _settings;
    private readonly CostModel _cost;
    private readonly ChatTemplate? _template;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private LlamaCppBackend(LlamaCppModel model, LlamaCppBackendSettings settings, CostModel cost, ChatTemplate? template)
    {
        _model = model;
        _settings = settings;
        _cost = cost;
        _template = template;
    }

    public int Capacity => 1;

    /// <summary>The backend factory of kind <see cref="Kind"/>: settings checked, the GGUF header read and the model
    /// loaded while the manifest is resolved, so a missing, truncated or unloadable file is a manifest error naming
    /// <c>settings.modelPath</c> before any query is served.</summary>
    public static LlamaCppBackend? Create(AgentManifest manifest, List<ManifestError> errors)
    {
        if (LlamaCppBackendSettings.FromManifest(manifest, errors) is not { } settings)
        {
            return null;
        }
        var file = manifest.SourceFile ?? manifest.Name;
        LlamaCppModel model;
        try
        {
            model = LlamaCppModel.Load(settings.ModelPath, new LlamaCppModelOptions(settings.ContextSize, Math.Min(512, settings.ContextSize), settings.Threads));
        }
        catch (Exception exception) when (exception is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            errors.Add(new ManifestError(file, "settings.modelPath", $"cannot load the GGUF model at '{settings.ModelPath}': {exception.Message}"));
            return null;
        }
        ChatTemplate? template = null;
        if (model.Header.ChatTemplate is { } source)
        {
            try
            {
                template = ChatTemplate.Parse(source);
            }
            catch (ChatTemplateException exception)
            {
                model.Dispose();
                errors.Add(new ManifestError(file, "settings.modelPath", $"the chat template in '{settings.ModelPath}' cannot be rendered: {exception.Message}"));
                return null;
            }
        }
        return new LlamaCppBackend(model, settings, manifest.Cost, template);
    }

    public async ValueTask<AgentAnalysis> AnalyzeAsync(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Answer(agent, query, onToken, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The prompt as the model sees it: the chat template applied to the request's conversation (or the query text as
    /// one user message), the agent's system prompt first unless the conversation brings its own, with the generation prompt;
    /// the bare query text when the file has no template.</summary>
    public string RenderPrompt(Query query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_template is null)
        {
            return query.Text;
        }
        var messages = query.Chat?.Messages is { Count: > 0 } turns
            ? turns.Select(turn => new ChatTemplateMessage(turn.Role, turn.Content)).ToList()
            : [new ChatTemplateMessage("user", query.Text)];
        if (_settings.SystemPrompt is { } system && !messages.Any(message => message.Role is "system" or "developer"))
        {
            messages.Insert(0, new ChatTemplateMessage("system", system));
        }
        return _template.Render(messages, new ChatTemplateOptions
        {
            AddGenerationPrompt = true,
            BosToken = _model.SpecialTokenText("tokenizer.ggml.bos_token_id"),
            EosToken = _model.SpecialTokenText("tokenizer.ggml.eos_token_id"),
        });
    }

    /// <summary>The agent's sampling settings with the request's own fields (temperature, top_p, max_tokens, seed) over them.</summary>
    internal GenerationOptions Sampling(SamplingRequest? request, int promptTokens) => new()
    {
        Temperature = request?.Temperature ?? _settings.Temperature,
        TopP = request?.TopP ?? _settings.TopP,
        Seed = request?.Seed ?? _settings.Seed,
        MaxNewTokens = Math.Min(Math.Min(request?.MaxTokens ?? _settings.MaxTokens, _settings.MaxTokens), _model.ContextSize - promptTokens),
    };

    private AgentAnalysis Answer(string agent, Query query, Action<string>? onToken, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var prompt = RenderPrompt(query);
        var bos = _model.SpecialTokenText("tokenizer.ggml.bos_token_id");
        var ids = _model.Tokenize(prompt, _model.AddsBeginOfSequence && (bos is null || !prompt.StartsWith(bos, StringComparison.Ordinal)));
        if (ids.Length == 0)
        {
            throw new ArgumentException("the query renders to an empty prompt", nameof(query));
        }
        if (ids.Length >= _model.ContextSize)
        {
            throw new ArgumentException($"the prompt has {ids.Length} tokens; the agent's context holds {_model.ContextSize}", nameof(query));
        }
        var sampling = query.Chat?.Sampling;
        var options = Sampling(sampling, ids.Length);
        // One generator per request, seeded from the request or the agent: the same request samples the same answer.
        var random = new Random(options.Seed);
        var text = new StopStringFilter(sampling?.Stop, onToken);
        var decoder = _model.CreateDecoder();
        var generated = 0;
        _model.Reset(); // each request starts from an empty context
        var logits = _model.FeedForLastLogits(ids, 0);
        while (generated < options.MaxNewTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var next = TokenSampler.Choose(logits, options, random);
            if (_model.IsEndOfGeneration(next))
            {
                break;
            }
            generated++;
            decoder.Add(next);
            if (text.Append(decoder.Read()))
            {
                break;
            }
            if (generated < options.MaxNewTokens)
            {
                logits = _model.FeedForLastLogits([next], ids.Length + generated - 1);
            }
        }
        var answer = text.Finish();
        var choice = query.Options is { Count: > 0 } letters ? ChoiceExtractor.Extract(answer, letters) : null;
        return new AgentAnalysis(agent, answer, choice,
            LatencyMs: Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Cost: _cost.Estimate(ids.Length, generated),
            Usage: new TokenUsage(ids.Length, generated));
    }

    public void Dispose()
    {
        _model.Dispose();
        _gate.Dispose();
    }
}
