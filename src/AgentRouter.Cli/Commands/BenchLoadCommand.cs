using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AgentRouter.Cli.Commands.MoeBench;
using AgentRouter.Inference.Checkpoints;
using AgentRouter.Inference.Configuration;
using AgentRouter.Inference.Generation;
using AgentRouter.Inference.Hosting;
using static TorchSharp.torch;

namespace AgentRouter.Cli.Commands;

/// <summary>
/// <c>agentrouter bench load DIR</c>: how a checkpoint at real dimensions loads and decodes on this machine. With
/// <c>--write-config</c> it first writes a random-weight checkpoint of that config into DIR, shard by shard
/// (<see cref="RandomCheckpointWriter"/>). Then it loads DIR memory-mapped on the CPU in the asked dtype and reports the
/// load time, the peak resident set against the checkpoint's bytes (split into file-backed and anonymous pages, so a
/// mapped load is visible as such), the decode rate, and the bandwidth roofline of the active bf16/fp32 weights per token.
/// Prints a Markdown table (docs/benchmarks/chat-load.md).
/// </summary>
internal static class BenchLoadCommand
{
    public static Command Build()
    {
        var directory = new Argument<string>("dir") { Description = "Checkpoint folder (written first when --write-config is given)." };
        var writeConfig = new Option<string>("--write-config") { Description = "A config.json to write a random-weight checkpoint of into DIR before measuring." };
        var shardMb = new Option<int>("--shard-mb") { Description = "Largest shard written, in MiB.", DefaultValueFactory = _ => 1024 };
        var dtype = new Option<string>("--dtype") { Description = $"Parameter dtype: {InferenceDType.Known}.", DefaultValueFactory = _ => "bf16" };
        var steps = new Option<int>("--decode-steps") { Description = "Tokens decoded after the load.", DefaultValueFactory = _ => 8 };
        var threads = new Option<int>("--threads") { Description = "torch intra-op threads (0 = libtorch's default)." };
        var device = new Option<string>("--device") { Description = "cpu (default; the weights are memory-mapped), cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("load", "Load a (large) checkpoint memory-mapped and report load time, peak RSS and decode rate against the roofline.")
        {
            directory, writeConfig, shardMb, dtype, steps, threads, device,
        };
        command.SetAction(parseResult => CliErrors.Guard(() =>
        {
            var path = parseResult.GetValue(directory)!;
            var (onDevice, type) = ModelChatCommand.Placement(parseResult.GetValue(device), parseResult.GetValue(dtype)!);
            if (parseResult.GetValue(threads) > 0)
            {
                set_num_threads(parseResult.GetValue(threads));
            }
            if (parseResult.GetValue(writeConfig) is { } configFile)
            {
                var config = MoeModelConfig.Load(configFile);
                var watch = Stopwatch.StartNew();
                RandomCheckpointWriter.Write(config, path, type, seed: 1, (long)parseResult.GetValue(shardMb) << 20, progress: (done, total) =>
                    Console.Error.WriteLine($"wrote {done / 1e9:F2} of {total / 1e9:F2} GB ({watch.Elapsed.TotalSeconds:F0} s)"));
            }
            Measure(path, onDevice ?? CPU, type, parseResult.GetValue(steps));
            return 0;
        }));
        return command;
    }

    private static void Measure(string path, Device device, ScalarType dtype, int decodeSteps)
    {
        var checkpointBytes = Directory.EnumerateFiles(path, "*.safetensors").Sum(file => new FileInfo(file).Length);
        var before = MemoryStatus.Read();
        var watch = Stopwatch.StartNew();
        using var model = ModelCheckpoint.Load(path, device, dtype, mapWeights: true);
        var loadSeconds = watch.Elapsed.TotalSeconds;
        var afterLoad = MemoryStatus.Read();
        Console.Error.WriteLine($"loaded in {loadSeconds:F1} s; decoding {decodeSteps} tokens");

        var config = model.Config;
        var prompt = Enumerable.Range(1, 16).ToArray();
        var gaps = new List<double>();
        var step = Stopwatch.StartNew();
        var firstToken = 0.0;
        using (inference_mode())
        {
            SequenceGenerator.Generate(model, [prompt], new GenerationOptions { Greedy = true, StopTokenIds = [], MaxNewTokens = decodeSteps + 1 }, token =>
            {
                if (token.Step == 0)
                {
                    firstToken = step.Elapsed.TotalSeconds;
                }
                else
                {
                    gaps.Add(step.Elapsed.TotalSeconds);
                }
                step.Restart();
            });
        }
        var afterDecode = MemoryStatus.Read();
        var runner = new MoeBenchmarkRunner(config, decodeSteps, 1);
        var read = runner.MeasureReadBandwidth();
        var elementBytes = dtype == ScalarType.Float32 ? 4 : 2;
        var activeBytes = (ParameterCounts.Of(config).ActivePerToken - ((long)config.VocabSize * config.HiddenSize) + config.HiddenSize) * elementBytes;
        var rate = gaps.Count / gaps.Sum();
        var roofline = read.Best * 1e9 / activeBytes;

        string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);
        string Gb(long bytes) => F(bytes / 1e9, "F2") + " GB";
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| checkpoint | {config.Architecture}, {ParameterCounts.Of(config).Total:N0} parameters, {InferenceDType.Name(dtype)}, {Gb(checkpointBytes)} in {Directory.EnumerateFiles(path, "*.safetensors").Count()} shards |");
        Console.WriteLine($"| load on {device} ({(device.type == TorchSharp.DeviceType.CPU ? "memory-mapped" : "copied to the device")}, meta-built model) | {F(loadSeconds)} s |");
        Console.WriteLine($"| RSS after load: file-backed / anonymous | {Gb(afterLoad.RssFile)} / {Gb(afterLoad.RssAnon)} |");
        Console.WriteLine($"| RSS after decoding: file-backed / anonymous | {Gb(afterDecode.RssFile)} / {Gb(afterDecode.RssAnon)} |");
        Console.WriteLine($"| peak RSS (VmHWM) / checkpoint bytes | {Gb(afterDecode.PeakRss)} / {Gb(checkpointBytes)} = {F((double)afterDecode.PeakRss / checkpointBytes, "F3")} (before load: {Gb(before.PeakRss)}) |");
        Console.WriteLine($"| first token (prompt of 16, cold pages) | {F(firstToken, "F2")} s |");
        Console.WriteLine($"| decode, batch 1, {gaps.Count} steps after the first | {F(rate, "F2")} tok/s |");
        Console.WriteLine($"| active weight bytes per token ({InferenceDType.Name(dtype)}, embedding table excluded) | {Gb(activeBytes)} |");
        Console.WriteLine($"| best read bandwidth (reduction / managed GEMV / libtorch GEMV, fp32 256 MiB) | {F(read.Best)} GB/s |");
        Console.WriteLine($"| roofline = read bandwidth / active bytes | {F(roofline, "F2")} tok/s |");
        Console.WriteLine($"| decode / roofline | {F(rate / roofline, "F3")} |");
    }

    /// <summary>The process's resident set from /proc/self/status: peak, file-backed (mapped files) and anonymous.</summary>
    private readonly record struct MemoryStatus(long PeakRss, long RssFile, long RssAnon)
    {
        public static MemoryStatus Read()
        {
            long Field(string[] lines, string name) =>
                lines.FirstOrDefault(line => line.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
                    ? long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024
                    : 0;
            var status = File.Exists("/proc/self/status") ? File.ReadAllLines("/proc/self/status") : [];
            return new MemoryStatus(Field(status, "VmHWM"), Field(status, "RssFile"), Field(status, "RssAnon"));
        }
    }
}
