using System.Text.Json.Nodes;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Kernels;
using AgentRouter.Inference.Modules;
using static TorchSharp.torch;

namespace AgentRouter.Inference.Tests;

/// <summary>Issue #16, model loading: configs are validated and sized against the weight files and a memory budget
/// before any tensor exists; NaN weights, special files and symlink loops are refused with typed errors.</summary>
public sealed class ModelLoadHardeningTests
{
    private static string TinyCheckpoint(TemporaryDirectory temporary, Action<MoeForCausalLm>? edit = null)
    {
        var config = TinyConfigs.For(ModelArchitecture.Mixtral);
        using var model = new MoeForCausalLm(config);
        edit?.Invoke(model);
        ModelCheckpoint.Save(model, temporary.Path);
        return temporary.Path;
    }

    private static void EditConfig(string directory, Action<JsonObject> edit)
    {
        var path = Path.Combine(directory, ModelCheckpoint.ConfigFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [Theory]
    [InlineData("num_hidden_layers", 1_000_000)]
    [InlineData("hidden_size", 1_000_000_000)]
    [InlineData("vocab_size", 100_000_000)]
    [InlineData("num_local_experts", 100_000)]
    [InlineData("intermediate_size", 50_000_000)]
    [InlineData("eos_token_id", -1)]
    [InlineData("max_position_embeddings", 2_000_000_000)]
    public void Out_of_range_config_sizes_are_refused_naming_the_field(string field, long value)
    {
        using var temporary = new TemporaryDirectory();
        var directory = TinyCheckpoint(temporary);
        EditConfig(directory, json => json[field] = value);
        var error = Assert.Throws<ModelConfigException>(() => ModelCheckpoint.LoadConfig(directory));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_counts_at_every_ceiling_stay_positive_and_unchecked_sizes_overflow_loudly()
    {
        var json = new JsonObject
        {
            ["model_type"] = "mixtral", ["vocab_size"] = MoeModelConfigParser.MaxVocabSize, ["hidden_size"] = MoeModelConfigParser.MaxHiddenSize,
            ["num_hidden_layers"] = MoeModelConfigParser.MaxLayers, ["num_attention_heads"] = 512, ["num_local_experts"] = MoeModelConfigParser.MaxExperts,
            ["num_experts_per_tok"] = 2, ["intermediate_size"] = MoeModelConfigParser.MaxIntermediateSize,
        };
        var counts = ParameterCounts.Of(MoeModelConfig.Parse(json.ToJsonString(), "config.json"));
        Assert.True(counts.Total > 8e17 && counts.ActivePerToken > 0, $"{counts}");

        var oversized = TinyConfigs.For(ModelArchitecture.Mixtral) with { NumLayers = 4, HiddenSize = int.MaxValue, NumExperts = int.MaxValue, ExpertIntermediateSize = int.MaxValue };
        Assert.Throws<OverflowException>(() => ParameterCounts.Of(oversized));
    }

    [Fact]
    public void A_config_larger_than_the_memory_budget_or_the_weight_files_is_refused_before_allocation()
    {
        using var temporary = new TemporaryDirectory();
        var directory = TinyCheckpoint(temporary);
        var budget = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(directory, memoryBudgetBytes: 1000));
        Assert.Contains("memory budget", budget.Message, StringComparison.Ordinal);

        EditConfig(directory, json => json["num_hidden_layers"] = 1000);
        var mismatch = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(directory));
        Assert.Contains("weight files hold only", mismatch.Message, StringComparison.Ordinal);

        using var fine = new TemporaryDirectory();
        using var model = ModelCheckpoint.Load(TinyCheckpoint(fine));
        Assert.NotNull(model);
    }

    [Fact]
    public void Nan_weights_are_refused_at_load_naming_the_tensor()
    {
        using var temporary = new TemporaryDirectory();
        var directory = TinyCheckpoint(temporary, model =>
        {
            using var noGrad = no_grad();
            model.named_parameters().First(p => p.name.Contains("gate", StringComparison.Ordinal)).parameter[0, 0] = float.NaN;
        });
        var error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(directory));
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Contains("gate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_router_logits_are_a_typed_error_not_an_index_out_of_range()
    {
        var selected = new int[2];
        var weights = new float[2];
        Assert.Throws<NonFiniteValuesException>(() => SmallBatchExpertMixer.Route([float.NaN, float.NaN, float.NaN], 2, true, selected, weights));
        Assert.Throws<NonFiniteValuesException>(() => SmallBatchExpertMixer.Route([float.PositiveInfinity, float.PositiveInfinity], 1, false, selected, weights));
        SmallBatchExpertMixer.Route([0.5f, 2f, 1f], 2, true, selected, weights);
        Assert.Equal([1, 2], selected);
    }

    [Fact]
    public void Special_files_and_symlink_loops_are_refused_while_links_to_regular_files_load()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // device files and FIFOs as used here are Linux's
        }

        using var temporary = new TemporaryDirectory();
        var directory = TinyCheckpoint(temporary);
        var config = Path.Combine(directory, ModelCheckpoint.ConfigFileName);

        // A Hugging Face hub snapshot: config.json is a link into blobs/.
        var blob = Path.Combine(directory, "blob-config");
        File.Move(config, blob);
        File.CreateSymbolicLink(config, blob);
        using (var model = ModelCheckpoint.Load(directory))
        {
            Assert.NotNull(model);
        }

        File.Delete(config);
        File.CreateSymbolicLink(config, "/dev/zero");
        Assert.Contains("not a regular file", Assert.Throws<ModelConfigException>(() => ModelCheckpoint.LoadConfig(directory)).Message, StringComparison.Ordinal);

        File.Delete(config);
        File.CreateSymbolicLink(config, Path.Combine(directory, "loop-b"));
        File.CreateSymbolicLink(Path.Combine(directory, "loop-b"), config);
        Assert.Contains("loop", Assert.Throws<ModelConfigException>(() => ModelCheckpoint.LoadConfig(directory)).Message, StringComparison.Ordinal);

        File.Delete(config);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [config]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Assert.Contains("not a regular file", Assert.Throws<ModelConfigException>(() => ModelCheckpoint.LoadConfig(directory)).Message, StringComparison.Ordinal);

        File.Delete(config);
        File.Move(blob, config);
        File.CreateSymbolicLink(Path.Combine(directory, CheckpointTensors.IndexFileName), "/dev/zero");
        Assert.Contains("not a regular file", Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(directory)).Message, StringComparison.Ordinal);
    }
}
