using System.Text;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Safetensors;
using AgentRouter.Tests.Fuzzing;
using Xunit.Abstractions;

namespace AgentRouter.Inference.Tests.Fuzz;

/// <summary>Issue 16 point 4 for checkpoint files: mutants of valid safetensors headers, sharded indexes,
/// <c>config.json</c> and <c>generation_config.json</c> either load or give the reader's typed error naming the file
/// (<see cref="SafetensorsFormatException"/>, <see cref="CheckpointException"/>, <see cref="ModelConfigException"/>) —
/// never another exception, never a hang. Case count and seed: <see cref="FuzzSettings"/>.</summary>
public sealed class CheckpointFileFuzzTests(ITestOutputHelper output)
{
    /// <summary>Two F32 tensors and one F16 in 40 data bytes, with metadata.</summary>
    private static readonly string[] SafetensorsHeaders =
    [
        """{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]},"c":{"dtype":"F16","shape":[2,2],"data_offsets":[32,40]}}""",
        """{"w":{"dtype":"BF16","shape":[4,5],"data_offsets":[0,40]}}""",
        """{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]}}""",
    ];

    private static readonly string[] Indexes =
    [
        """{"metadata":{"total_size":40},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}""",
        """{"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00001-of-00002.safetensors"}}""",
    ];

    private static readonly string[] GenerationConfigs =
    [
        """{"bos_token_id":1,"eos_token_id":[2,3],"do_sample":true,"temperature":0.7,"top_p":0.9,"top_k":20,"max_new_tokens":64}""",
        """{"eos_token_id":2,"pad_token_id":0,"repetition_penalty":1.1}""",
    ];

    [Fact]
    public async Task Safetensors_files_open_and_read_or_throw_SafetensorsFormatException()
    {
        using var folder = new TemporaryDirectory();
        var path = folder.Combine("fuzz.safetensors");
        var report = await FuzzRunner.RunAsync(
            "safetensors header",
            random =>
            {
                var header = JsonMutator.Mutate(SafetensorsHeaders, random);
                var declared = random.Next(10) switch
                {
                    0 => (ulong)random.NextInt64(),
                    1 => ulong.MaxValue,
                    2 => (ulong)header.Bytes.Length + 1,
                    3 => (ulong)Math.Max(0, header.Bytes.Length - 1),
                    _ => (ulong)header.Bytes.Length,
                };
                byte[] file = [.. BitConverter.GetBytes(declared), .. header.Bytes, .. new byte[40]];
                var mutation = declared == (ulong)header.Bytes.Length ? header.Mutation : $"{header.Mutation} → header length {declared}";
                if (random.Next(5) == 0)
                {
                    var (damaged, step) = ByteMutator.Mutate(file, random);
                    return new FuzzCase(damaged, $"{mutation} → file {step}");
                }

                return new FuzzCase(file, mutation);
            },
            fuzzCase =>
            {
                File.WriteAllBytes(path, fuzzCase.Bytes);
                using var file = SafetensorsFile.Open(path);
                foreach (var tensor in file.Tensors)
                {
                    file.ReadTensor(tensor.Name).Dispose();
                }
            },
            error => error is SafetensorsFormatException ? nameof(SafetensorsFormatException) : null);
        Finish(report);
    }

    [Fact]
    public async Task Sharded_indexes_open_or_throw_CheckpointException()
    {
        using var folder = new TemporaryDirectory();
        WriteShard(folder.Combine("model-00001-of-00002.safetensors"), """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""");
        WriteShard(folder.Combine("model-00002-of-00002.safetensors"), """{"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""");
        var report = await FuzzRunner.RunAsync(
            "safetensors index.json",
            random => JsonMutator.Mutate(Indexes, random),
            fuzzCase =>
            {
                File.WriteAllBytes(folder.Combine(CheckpointTensors.IndexFileName), fuzzCase.Bytes);
                using var tensors = CheckpointTensors.Open(folder.Path);
            },
            error => error switch
            {
                CheckpointException => nameof(CheckpointException),
                SafetensorsFormatException => nameof(SafetensorsFormatException),
                _ => null,
            });
        Finish(report);
    }

    [Fact]
    public async Task Config_json_parses_and_counts_parameters_or_throws_ModelConfigException()
    {
        var root = FixturePaths.RepositoryRoot();
        var seeds = Directory.EnumerateDirectories(Path.Combine(root, "agents"))
            .Select(agent => Path.Combine(agent, "model", ModelCheckpoint.ConfigFileName))
            .Append(Path.Combine(root, "data", "hf-moe", "mixtral_classic_config.json"))
            .Append(Path.Combine(root, "data", "hf-moe", "mixtral_tiny_config.json"))
            .Where(File.Exists).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        Assert.True(seeds.Count >= 3);
        var report = await FuzzRunner.RunAsync(
            "config.json",
            random => JsonMutator.Mutate(seeds, random),
            fuzzCase =>
            {
                var config = MoeModelConfig.Parse(fuzzCase.Text, "config.json");
                var counts = ParameterCounts.Of(config);
                Assert.True(counts.Total >= counts.ActivePerToken && counts.ActivePerToken > 0, $"counts {counts}");
            },
            error => error is ModelConfigException ? nameof(ModelConfigException) : null);
        Finish(report);
    }

    [Fact]
    public async Task Generation_config_loads_or_throws_ModelConfigException()
    {
        using var folder = new TemporaryDirectory();
        var report = await FuzzRunner.RunAsync(
            "generation_config.json",
            random => JsonMutator.Mutate(GenerationConfigs, random),
            fuzzCase =>
            {
                File.WriteAllBytes(folder.Combine(GenerationConfigFile.FileName), fuzzCase.Bytes);
                GenerationConfigFile.Load(folder.Path);
            },
            error => error is ModelConfigException ? nameof(ModelConfigException) : null);
        Finish(report);
    }

    private static void WriteShard(string path, string header)
    {
        var bytes = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)bytes.Length), .. bytes, .. new byte[8]]);
    }

    private void Finish(FuzzReport report)
    {
        output.WriteLine(report.Summary);
        report.AssertNoFailures();
    }
}
