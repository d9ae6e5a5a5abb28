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
