using System.Text.Json.Nodes;

namespace AgentRouter.LlamaCpp.Tests;

/// <summary>A tiny byte-level BPE tokenizer in the Hugging Face format (tokenizer.json + tokenizer_config.json): the 256
/// GPT-2 byte symbols, no merges, ChatML special tokens and ChatML's chat template, with Qwen2's split pattern — enough
/// for llama.cpp to tokenise text and render chats from an exported file without any downloaded vocabulary.</summary>
internal static class ChatMlTokenizerFiles
{
    public const int EndOfText = 256;
    public const int ImStart = 257;
    public const int ImEnd = 258;
    public const int Size = 259;

    public const string Template =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private const string QwenPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>GPT-2's byte → printable-character table (bytes_to_unicode).</summary>
    public static string[] ByteSymbols()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var symbols = new string[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            symbols[b] = ((char)(printable.Contains(b) ? b : next++)).ToString();
        }
        return symbols;
    }

    /// <summary>Byte ids of a UTF-8 text (what this tokenizer gives for text without special tokens).</summary>
    public static IEnumerable<int> Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text).Select(value => (int)value);

    public static void WriteInto(string directory, string eosToken = "<|im_end|>")
    {
        var vocab = new JsonObject();
        var symbols = ByteSymbols();
        for (var id = 0; id < symbols.Length; id++)
        {
            vocab[symbols[id]] = id;
        }
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(
                Special(EndOfText, "<|endoftext|>"), Special(ImStart, "<|im_start|>"), Special(ImEnd, "<|im_end|>")),
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = QwenPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false }),
            },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray() },
        };
        var config = new JsonObject
        {
            ["eos_token"] = eosToken,
            ["pad_token"] = "<|endoftext|>",
            ["bos_token"] = null,
            ["add_bos_token"] = false,
            ["chat_template"] = Template,
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString());
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString());
    }

    private static JsonObject Special(int id, string content) => new() { ["id"] = id, ["content"] = content, ["special"] = true };
}
