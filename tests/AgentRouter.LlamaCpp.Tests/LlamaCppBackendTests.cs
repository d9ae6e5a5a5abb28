using System.Text.Json.Nodes;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Domain;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Gguf;

namespace AgentRouter.LlamaCpp.Tests;

/// <summary>The <c>llamacpp</c> agent backend on a GGUF file this project exported with a ChatML tokenizer.</summary>
public sealed class LlamaCppBackendTests
{
    private static MoeModelConfig ChatConfig => GgufParityTests.ExportableConfig(ModelArchitecture.Qwen3Moe) with
    {
        VocabSize = ChatMlTokenizerFiles.Size, MaxPositionEmbeddings = 512, EosTokenIds = [ChatMlTokenizerFiles.ImEnd],
    };

    [Fact]
    public void ExportedTokenizerTokenisesChatMlPromptsAsTheReferenceWould()
    {
        using var folder = new TemporaryFolder();
        var gguf = ExportChatModel(folder, seed: 3);
        using var model = LlamaCppModel.Load(gguf);

        var ids = model.Tokenize("<|im_start|>user\nCafé? 2+2<|im_end|>\n", addBeginOfSequence: false);

        int[] expected = [ChatMlTokenizerFiles.ImStart, .. ChatMlTokenizerFiles.Bytes("user\nCafé? 2+2"), ChatMlTokenizerFiles.ImEnd, .. ChatMlTokenizerFiles.Bytes("\n")];
        Assert.Equal(expected, ids);
        Assert.True(model.IsEndOfGeneration(ChatMlTokenizerFiles.ImEnd));
        Assert.False(model.IsEndOfGeneration('a'));
        Assert.Equal("gpt2", model.Header.Metadata["tokenizer.ggml.model"]);
        Assert.Equal("qwen2", model.Header.Metadata["tokenizer.ggml.pre"]);
    }

    [Fact]
    public async Task AgentRendersTheFilesTemplateStreamsItsAnswerAndStopsAtTheEndOfGenerationId()
    {
        using var folder = new TemporaryFolder();
        var checkpoint = TestCheckpoints.Random(ChatConfig, folder.Combine("model"), seed: 5);
        var query = new Query("q1", "Which is larger, 3 or 5?", Options: ["A", "B"]);
        var promptIds = new List<int> { ChatMlTokenizerFiles.ImStart };
        promptIds.AddRange(ChatMlTokenizerFiles.Bytes("user\nWhich is larger, 3 or 5?"));
        promptIds.Add(ChatMlTokenizerFiles.ImEnd);
        promptIds.AddRange(ChatMlTokenizerFiles.Bytes("\n"));
        promptIds.Add(ChatMlTokenizerFiles.ImStart);
        promptIds.AddRange(ChatMlTokenizerFiles.Bytes("assistant\n"));
        // The engine's own greedy continuation; its fourth token is made the file's eos, so llama.cpp must stop there.
        using (var engine = ModelCheckpoint.Load(checkpoint))
        {
            var free = SequenceGenerator.Generate(engine, new[] { promptIds.ToArray() },
                new GenerationOptions { MaxNewTokens = 8, Greedy = true, StopTokenIds = Array.Empty<int>() }).Single().GeneratedIds;
            var stop = free[3];
            Assert.DoesNotContain(stop, free.Take(3));
            string[] specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
            ChatMlTokenizerFiles.WriteInto(checkpoint, eosToken: stop < 256 ? ChatMlTokenizerFiles.ByteSymbols()[stop] : specials[stop - 256]);
            var gguf = folder.Combine("model.gguf");
            GgufExporter.Export(checkpoint, gguf, new GgufExportOptions());
            var manifest = Manifest(folder, gguf, new JsonObject { ["maxTokens"] = 8, ["contextSize"] = 256 });
            var errors = new List<ManifestError>();
            using var backend = LlamaCppBackend.Create(manifest, errors);
            Assert.Empty(errors);
            Assert.NotNull(backend);

            var pieces = new List<string>();
            var analysis = await backend.AnalyzeAsync("llama", query, pieces.Add, CancellationToken.None);

            Assert.StartsWith("<|im_start|>user\nWhich is larger, 3 or 5?<|im_end|>\n<|im_start|>assistant\n", backend.RenderPrompt(query), StringComparison.Ordinal);
            Assert.Equal(string.Concat(pieces), analysis.Text);
            var expectedText = System.Text.Encoding.UTF8.GetString(free.Take(3).Where(id => id < 256).Select(id => (byte)id).ToArray());
            if (free.Take(3).All(id => id < 128))
            {
                Assert.Equal(expectedText, analysis.Text);
            }
            Assert.Equal("llama", analysis.Agent);
            Assert.Equal(0.5 + (0.01 * promptIds.Count) + (0.02 * 3), analysis.Cost, 9);
        }
    }

    [Fact]
    public async Task CancellationStopsTheAnswer()
    {
        using var folder = new TemporaryFolder();
        var gguf = ExportChatModel(folder, seed: 7);
        var errors = new List<ManifestError>();
        using var backend = LlamaCppBackend.Create(Manifest(folder, gguf, new JsonObject { ["maxTokens"] = 200, ["contextSize"] = 256 }), errors)!;
        using var cancellation = new CancellationTokenSource();

        var task = backend.AnalyzeAsync("llama", new Query("q", "hello"), _ => cancellation.Cancel(), cancellation.Token).AsTask();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }

    [Fact]
    public async Task RequestConversationSamplingStopStringsAndUsageAreHonoured()
    {
        using var folder = new TemporaryFolder();
        var gguf = ExportChatModel(folder, seed: 11);
        var errors = new List<ManifestError>();
        using var backend = LlamaCppBackend.Create(Manifest(folder, gguf, new JsonObject
        {
            ["maxTokens"] = 12, ["contextSize"] = 256, ["temperature"] = 1.0, ["systemPrompt"] = "agent default",
        }), errors)!;
        Assert.Empty(errors);
        Query Ask(SamplingRequest sampling) => new("q", "flattened", Chat: new ChatContent(
            [new ChatTurn("system", "be brief"), new ChatTurn("user", "hi"), new ChatTurn("assistant", "hello"), new ChatTurn("user", "again")],
            sampling));

        var prompt = backend.RenderPrompt(Ask(new SamplingRequest()));
        Assert.Equal("<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n"
            + "<|im_start|>user\nagain<|im_end|>\n<|im_start|>assistant\n", prompt);

        var first = await backend.AnalyzeAsync("llama", Ask(new SamplingRequest(Seed: 42, MaxTokens: 6)), null, CancellationToken.None);
        var again = await backend.AnalyzeAsync("llama", Ask(new SamplingRequest(Seed: 42, MaxTokens: 6)), null, CancellationToken.None);
        Assert.Equal(first.Text, again.Text);
        Assert.NotNull(first.Usage);
        // The ChatML test tokenizer: one id per special token, one per byte of everything else.
        var specials = (prompt.Length - prompt.Replace("<|im_start|>", "", StringComparison.Ordinal).Length) / "<|im_start|>".Length
            + ((prompt.Length - prompt.Replace("<|im_end|>", "", StringComparison.Ordinal).Length) / "<|im_end|>".Length);
        var plainBytes = System.Text.Encoding.UTF8.GetByteCount(prompt.Replace("<|im_start|>", "", StringComparison.Ordinal).Replace("<|im_end|>", "", StringComparison.Ordinal));
        Assert.Equal(specials + plainBytes, first.Usage.PromptTokens);
        Assert.InRange(first.Usage.CompletionTokens, 1, 6);

        var seeds = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 0; seed < 6; seed++)
        {
            seeds.Add((await backend.AnalyzeAsync("llama", Ask(new SamplingRequest(Seed: seed)), null, CancellationToken.None)).Text);
        }
        Assert.True(seeds.Count > 1, "sampling at temperature 1 gave the same answer for six seeds");

        var greedy = await backend.AnalyzeAsync("llama", Ask(new SamplingRequest(Temperature: 0)), null, CancellationToken.None);
        var cut = Enumerable.Range(1, Math.Max(0, greedy.Text.Length - 1)).FirstOrDefault(index => greedy.Text.IndexOf(greedy.Text[index]) == index);
        Assert.True(cut > 0, $"the greedy answer '{greedy.Text}' has no character to stop at");
        var pieces = new List<string>();
        var stopped = await backend.AnalyzeAsync("llama", Ask(new SamplingRequest(Temperature: 0, Stop: [greedy.Text[cut].ToString()])), pieces.Add,
            CancellationToken.None);
        Assert.Equal(greedy.Text[..cut], stopped.Text);
        Assert.Equal(stopped.Text, string.Concat(pieces));
    }

    [Fact]
    public void BadFilesAndSettingsAreManifestErrorsNamingTheField()
    {
        using var folder = new TemporaryFolder();
        var truncated = folder.Combine("truncated.gguf");
        var gguf = ExportChatModel(folder, seed: 9);
        File.WriteAllBytes(truncated, File.ReadAllBytes(gguf)[..200]);

        var errors = new List<ManifestError>();
        Assert.Null(LlamaCppBackend.Create(Manifest(folder, truncated, new JsonObject()), errors));
        Assert.Contains(errors, error => error.Field == "settings.modelPath" && error.Message.Contains("truncated", StringComparison.Ordinal));

        errors.Clear();
        Assert.Null(LlamaCppBackend.Create(Manifest(folder, gguf, new JsonObject { ["maxTokens"] = 0, ["temprature"] = 1 }), errors));
        Assert.Contains(errors, error => error.Field == "settings.maxTokens");
        Assert.Contains(errors, error => error.Field == "settings.temprature");

        errors.Clear();
        Assert.Null(LlamaCppBackend.Create(Manifest(folder, folder.Combine("missing.gguf"), new JsonObject()), errors));
        Assert.Contains(errors, error => error.Field == "settings.modelPath" && error.Message.Contains("not found", StringComparison.Ordinal));
    }

    private static string ExportChatModel(TemporaryFolder folder, int seed)
    {
        var checkpoint = TestCheckpoints.Random(ChatConfig, folder.Combine("model"), seed);
        ChatMlTokenizerFiles.WriteInto(checkpoint);
        var gguf = folder.Combine("model.gguf");
        GgufExporter.Export(checkpoint, gguf, new GgufExportOptions());
        return gguf;
    }

    private static AgentManifest Manifest(TemporaryFolder folder, string gguf, JsonObject settings)
    {
        settings["modelPath"] = gguf;
        return new AgentManifest("llama", LlamaCppBackend.Kind, [], new CostModel(0.5, 0.01, 0.02), 100, 1, 4, null, settings,
            Path.Combine(folder.Path, "llama.json"));
    }
}
