using AgentRouter.Core.Domain;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Templates;
using AgentRouter.Inference.Tokenization;
using AgentRouter.Inference.Tokenization.HuggingFace;

namespace AgentRouter.Inference.Chat;

/// <summary>
/// The text side of a Hugging Face chat checkpoint folder: its exact tokenizer (tokenizer.json), chat template
/// (tokenizer_config.json), the ids that end a turn (config.json, generation_config.json and the tokenizer's eos) and the
/// sampling defaults of generation_config.json. Turns a conversation into prompt ids and a request's sampling into
/// <see cref="GenerationOptions"/>, checking both against the model's context.
/// </summary>
public sealed class ChatCheckpoint
{
    /// <summary>New tokens when neither the request nor the agent says.</summary>
    public const int DefaultMaxNewTokens = 256;

    private ChatCheckpoint(string directory, HuggingFaceTokenizer tokenizer, ChatTemplate template, IReadOnlyList<int> stopTokenIds,
        GenerationConfigFile defaults, int contextLength)
    {
        Directory = directory;
        Tokenizer = tokenizer;
        Template = template;
        StopTokenIds = stopTokenIds;
        Defaults = defaults;
        ContextLength = contextLength;
    }

    public string Directory { get; }

    public HuggingFaceTokenizer Tokenizer { get; }

    public ChatTemplate Template { get; }

    /// <summary>Every id that ends the answer (config.json, generation_config.json, the tokenizer's eos), sorted.</summary>
    public IReadOnlyList<int> StopTokenIds { get; }

    public GenerationConfigFile Defaults { get; }

    /// <summary>max_position_embeddings: prompt and answer together must fit.</summary>
    public int ContextLength { get; }

    /// <summary>Whether <paramref name="directory"/> holds a tokenizer.json and a tokenizer_config.json with a chat template.</summary>
    public static bool HasChatTemplate(string directory)
    {
        var configPath = Path.Combine(directory, HuggingFaceTokenizer.ConfigFileName);
        if (!File.Exists(Path.Combine(directory, HuggingFaceTokenizer.TokenizerFileName)) || !File.Exists(configPath))
        {
            return false;
        }
        try
        {
            return TokenizerConfigFile.Load(configPath).ChatTemplate is not null;
        }
        catch (TokenizerLoadException)
        {
            return true; // let Load report the broken file
        }
    }

    /// <exception cref="TokenizerLoadException">Missing or malformed tokenizer files, no chat template, or a vocabulary larger than the model's.</exception>
    /// <exception cref="ChatTemplateException">The template has a syntax error or uses an unsupported feature (named).</exception>
    /// <exception cref="ModelConfigException">generation_config.json is malformed.</exception>
    public static ChatCheckpoint Load(string directory, MoeModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var tokenizer = HuggingFaceTokenizer.FromDirectory(directory);
        tokenizer.EnsureFitsModel(config.VocabSize, Path.Combine(directory, ModelCheckpoint.ConfigFileName));
        var source = tokenizer.ChatTemplate
            ?? throw new TokenizerLoadException(Path.Combine(directory, HuggingFaceTokenizer.ConfigFileName), "has no 'chat_template': this folder is not a chat checkpoint");
        var template = ChatTemplate.Parse(source);
        var defaults = GenerationConfigFile.Load(directory);
        var stops = new SortedSet<int>(config.EosTokenIds.Concat(defaults.EosTokenIds));
        if (tokenizer.EosToken is { } eos)
        {
            stops.Add(eos.Id);
        }
        foreach (var id in stops)
        {
            if (id >= config.VocabSize)
            {
                throw new TokenizerLoadException(Path.Combine(directory, GenerationConfigFile.FileName),
                    $"eos token id {id} is outside the model's vocabulary [0, {config.VocabSize})");
            }
        }
        return new ChatCheckpoint(directory, tokenizer, template, stops.ToArray(), defaults, config.MaxPositionEmbeddings);
    }

    /// <summary>The conversation rendered by the chat template (with the generation prompt) and its ids.</summary>
    public ChatPrompt Render(IReadOnlyList<ChatTurn> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var options = new ChatTemplateOptions
        {
            AddGenerationPrompt = true,
            BosToken = Tokenizer.BosToken?.Text,
            EosToken = Tokenizer.EosToken?.Text,
        };
        var text = Template.Render(messages.Select(turn => new ChatTemplateMessage(turn.Role, turn.Content)), options);
        return new ChatPrompt(text, Tokenizer.Encode(text));
    }

    /// <summary>
    /// Generation options for a prompt of <paramref name="promptTokens"/>: the request's sampling where given, else
    /// generation_config.json's, else greedy; at most <paramref name="defaultMaxNewTokens"/> new tokens unless the request
    /// says, never past the context. Stops on <see cref="StopTokenIds"/>.
    /// </summary>
    /// <exception cref="GenerationRequestException">The prompt leaves no room in the context, max_tokens is not positive or
    /// does not fit, or temperature/top_p are out of range (the field is named).</exception>
    public GenerationOptions Options(int promptTokens, SamplingRequest? sampling, int defaultMaxNewTokens = DefaultMaxNewTokens)
    {
        if (promptTokens >= ContextLength)
        {
            throw new GenerationRequestException("messages",
                $"the prompt is {promptTokens} tokens once templated, but the model's context (max_position_embeddings) is {ContextLength}: no room to answer");
        }
        var room = ContextLength - promptTokens;
        int maxNewTokens;
        if (sampling?.MaxTokens is { } requested)
        {
            if (requested <= 0)
            {
                throw new GenerationRequestException("max_tokens", $"must be at least 1, found {requested}");
            }
            if (requested > room)
            {
                throw new GenerationRequestException("max_tokens",
                    $"{requested} new tokens do not fit: the prompt is {promptTokens} tokens of a {ContextLength}-token context (max_position_embeddings), leaving {room}");
            }
            maxNewTokens = requested;
        }
        else
        {
            maxNewTokens = Math.Min(defaultMaxNewTokens, room);
        }

        var sample = Defaults.DoSample ?? false;
        var temperature = sampling?.Temperature ?? (sample ? Defaults.Temperature ?? 1.0 : 0.0);
        var topP = sampling?.TopP ?? (sample ? Defaults.TopP ?? 1.0 : 1.0);
        var topK = sampling is { Temperature: not null } or { TopP: not null } ? 0 : sample ? Defaults.TopK ?? 0 : 0;
        if (temperature < 0 || !double.IsFinite(temperature))
        {
            throw new GenerationRequestException("temperature", $"must be 0 (greedy) or positive, found {temperature}");
        }
        return new GenerationOptions
        {
            MaxNewTokens = maxNewTokens,
            Greedy = temperature == 0,
            Temperature = temperature == 0 ? 1.0 : temperature,
            TopP = topP,
            TopK = topK,
            Seed = sampling?.Seed ?? Random.Shared.Next(),
            StopTokenIds = StopTokenIds,
        };
    }
}

/// <summary>A templated conversation and its token ids.</summary>
public sealed record ChatPrompt(string Text, IReadOnlyList<int> Ids);

/// <summary>Why an answer ended: a turn-end (eos) id, a stop string, or the token limit.</summary>
public enum ChatFinishReason
{
    Stop,
    Length,
}

/// <summary>One generated chat answer.</summary>
/// <param name="CompletionTokens">Generated ids, the stop id included (what the model produced).</param>
/// <param name="ReusedPromptTokens">Prompt positions whose KV came from the shared pool.</param>
public sealed record ChatCompletion(string Text, int PromptTokens, int CompletionTokens, ChatFinishReason FinishReason, int ReusedPromptTokens = 0);
