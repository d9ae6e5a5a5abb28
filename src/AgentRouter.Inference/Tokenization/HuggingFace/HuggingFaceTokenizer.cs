using AgentRouter.Inference.Configuration;
using System.Text;
using AgentRouter.Inference.Templates;
using AgentRouter.Inference.Tokenization.Normalization;

namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>
/// A Hugging Face fast tokenizer (<c>tokenizer.json</c>, byte-level BPE) with its <c>tokenizer_config.json</c>,
/// giving the same ids as transformers' tokenizers (checked against <c>@lenml/tokenizers</c>, see
/// docs/TOKENIZERS.md). Thread-safe after construction.
/// </summary>
public sealed class HuggingFaceTokenizer : ITextTokenizer
{
    public const string TokenizerFileName = "tokenizer.json";
    public const string ConfigFileName = "tokenizer_config.json";

    private readonly TokenizerJsonModel _model;
    private readonly BytePairModel _bytePairs;
    private readonly AddedTokenSplitter _splitter;
    private readonly string?[] _idToToken;
    private readonly HashSet<string> _addedContents;
    private readonly HashSet<int> _specialIds;

    private HuggingFaceTokenizer(TokenizerJsonModel model, TokenizerConfigFile config, string source)
    {
        _model = model;
        Config = config;
        Source = source;
        _bytePairs = new BytePairModel(model.Vocabulary, model.Merges, model.IgnoreMerges,
            model.UnknownToken is { } unknown && model.Vocabulary.TryGetValue(unknown, out var unknownId) ? unknownId : null);
        _splitter = new AddedTokenSplitter(model.AddedTokens);
        foreach (var (token, id) in model.Vocabulary)
        {
            // Checked before the id table is allocated: one id of 2^31 - 1 used to overflow it (found by the fuzz test),
            // and one of 10^9 would allocate 8 GB.
            if (id >= MoeModelConfigParser.MaxVocabSize)
            {
                throw new TokenizerLoadException(source, $"token '{(token.Length <= 64 ? token : token[..64] + "…")}' has id {id}; ids must be below {MoeModelConfigParser.MaxVocabSize}");
            }
        }
        VocabularySize = model.Vocabulary.Values.Append(-1).Max() + 1;
        _idToToken = new string?[VocabularySize];
        foreach (var (token, id) in model.Vocabulary)
        {
            if (id < 0)
            {
                throw new TokenizerLoadException(source, $"token '{token}' has a negative id {id}");
            }
            _idToToken[id] = token;
        }
        foreach (var added in model.AddedTokens)
        {
            _idToToken[added.Id] = added.Content;
        }
        _addedContents = model.AddedTokens.Select(token => token.Content).ToHashSet(StringComparer.Ordinal);
        _specialIds = model.AddedTokens.Where(token => token.Special).Select(token => token.Id).ToHashSet();
        foreach (var extra in config.AdditionalSpecialTokens)
        {
            if (model.Vocabulary.TryGetValue(extra, out var id))
            {
                _specialIds.Add(id);
            }
        }
        BosToken = Resolve(config.BosToken);
        EosToken = Resolve(config.EosToken);
        PadToken = Resolve(config.PadToken);
    }

    /// <summary>Loads <c>tokenizer.json</c> and (when present) <c>tokenizer_config.json</c> from a checkpoint or tokenizer folder.</summary>
    public static HuggingFaceTokenizer FromDirectory(string directory)
    {
        var tokenizerPath = Path.Combine(directory, TokenizerFileName);
        if (!File.Exists(tokenizerPath))
        {
            throw new TokenizerLoadException(tokenizerPath, "not found (a Hugging Face tokenizer folder needs tokenizer.json)");
        }
        var configPath = Path.Combine(directory, ConfigFileName);
        return FromFiles(tokenizerPath, File.Exists(configPath) ? configPath : null);
    }

    public static HuggingFaceTokenizer FromFiles(string tokenizerJsonPath, string? tokenizerConfigPath)
    {
        var model = TokenizerJsonReader.Read(tokenizerJsonPath);
        var config = tokenizerConfigPath is null ? TokenizerConfigFile.Empty : TokenizerConfigFile.Load(tokenizerConfigPath);
        return new HuggingFaceTokenizer(model, config, tokenizerJsonPath);
    }

    /// <summary>The tokenizer.json this was loaded from.</summary>
    public string Source { get; }

    public TokenizerConfigFile Config { get; }

    /// <summary>The default chat template of tokenizer_config.json, if any.</summary>
    public string? ChatTemplate => Config.ChatTemplate;

    public int VocabularySize { get; }

    public SpecialToken? BosToken { get; }

    public SpecialToken? EosToken { get; }

    public SpecialToken? PadToken { get; }

    public int? EndOfSequenceId => EosToken?.Id;

    public IReadOnlyList<AddedToken> AddedTokens => _model.AddedTokens;

    public int? TokenToId(string token) => _model.Vocabulary.TryGetValue(token, out var id) ? id : null;

    /// <summary>The vocabulary string of <paramref name="id"/> (byte-level characters for ordinary tokens).</summary>
    public string TokenText(int id)
    {
        if (id < 0 || id >= _idToToken.Length || _idToToken[id] is not { } token)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is outside the vocabulary of {Source} (ids 0..{VocabularySize - 1})");
        }
        return token;
    }

    public bool IsSpecial(int id) => _specialIds.Contains(id);

    internal bool IsAddedToken(string token) => _addedContents.Contains(token);

    public IReadOnlyList<int> Encode(string text) => Encode(text, addSpecialTokens: false);

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = _splitter.Split(text);
        for (var index = 0; index < sections.Count; index++)
        {
            if (sections[index].Token is not { } added)
            {
                continue;
            }
            if (added.LeftStrip && index > 0 && sections[index - 1].Token is null)
            {
                sections[index - 1] = (JavaScriptText.TrimEnd(sections[index - 1].Text), null);
            }
            if (added.RightStrip && index + 1 < sections.Count && sections[index + 1].Token is null)
            {
                sections[index + 1] = (JavaScriptText.TrimStart(sections[index + 1].Text), null);
            }
        }
        var ids = new List<int>(text.Length / 3 + 4);
        foreach (var (section, added) in sections)
        {
            if (added is not null)
            {
                ids.Add(added.Id);
                continue;
            }
            var normalized = _model.NormalizeNfc ? Nfc.Normalize(section) : section;
            if (normalized.Length == 0)
            {
                continue;
            }
            if (_model.PreTokenizer is null)
            {
                _bytePairs.Encode(normalized, ids);
                continue;
            }
            var pieces = new List<string>();
            _model.PreTokenizer.Split(normalized, pieces);
            foreach (var piece in pieces)
            {
                _bytePairs.Encode(piece, ids);
            }
        }
        if (!addSpecialTokens)
        {
            return ids;
        }
        var withSpecials = new List<int>(ids.Count + 2);
        foreach (var piece in _model.SingleTemplate)
        {
            withSpecials.AddRange(piece.IsSequence ? ids : piece.Ids);
        }
        return withSpecials;
    }

    public string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary>
    /// Text of <paramref name="ids"/>; ids outside the vocabulary throw <see cref="ArgumentOutOfRangeException"/>.
    /// Spaces before punctuation are removed when tokenizer_config.json asks for it (clean_up_tokenization_spaces).
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            var token = TokenText(id);
            if (skipSpecialTokens && _specialIds.Contains(id))
            {
                continue;
            }
            if (_addedContents.Contains(token))
            {
                AppendBytes(text, bytes);
                text.Append(token);
                continue;
            }
            foreach (var character in token)
            {
                // A character outside the byte alphabet becomes NUL, as in the reference.
                bytes.Add(ByteLevelAlphabet.TryGetByte(character, out var value) ? value : (byte)0);
            }
        }
        AppendBytes(text, bytes);
        return Config.CleanUpTokenizationSpaces ? CleanUpTokenizationSpaces(text.ToString()) : text.ToString();
    }

    public IStreamingDetokenizer CreateStreamingDetokenizer(bool skipSpecialTokens = true) => new ByteLevelDetokenizer(this, skipSpecialTokens);

    /// <summary>
    /// Checks that every id this tokenizer produces exists in a model whose embedding has
    /// <paramref name="modelVocabularySize"/> rows (a config's <c>vocab_size</c> may be larger, never smaller).
    /// </summary>
    public void EnsureFitsModel(int modelVocabularySize, string configPath)
    {
        if (VocabularySize > modelVocabularySize)
        {
            throw new TokenizerLoadException(configPath,
                $"vocab_size {modelVocabularySize} is smaller than the tokenizer's vocabulary ({VocabularySize} ids in {Source}): tokenizer and checkpoint do not belong together");
        }
    }

    private static void AppendBytes(StringBuilder text, List<byte> bytes)
    {
        if (bytes.Count > 0)
        {
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
    }

    /// <summary>transformers' clean_up_tokenization, applied by the reference when the config asks for it.</summary>
    private static string CleanUpTokenizationSpaces(string text) => text
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    private SpecialToken? Resolve(string? text) =>
        text is not null && _model.Vocabulary.TryGetValue(text, out var id) ? new SpecialToken(text, id) : null;
}

/// <summary>A special token's text and id, e.g. ("&lt;|im_end|&gt;", 151645).</summary>
public sealed record SpecialToken(string Text, int Id);
