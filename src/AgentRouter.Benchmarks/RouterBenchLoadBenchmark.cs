using System.Globalization;
using System.Text;
using AgentRouter.Core.Replay;
using BenchmarkDotNet.Attributes;

namespace AgentRouter.Benchmarks;

/// <summary>Reading a ~100 MB RouterBench file (synthetic, in the real wide format: 11 models, few-shot
/// prompts as Python literals with escapes, quoted fields with commas and quotes). Goal: ≥ 50 MB/s;
/// MB/s = <see cref="FileMegabytes"/> ÷ mean seconds (printed by the setup).</summary>
[MemoryDiagnoser]
public class RouterBenchLoadBenchmark
{
    private static readonly string[] Models =
    [
        "WizardLM/WizardLM-13B-V1.2", "claude-instant-v1", "claude-v1", "claude-v2", "gpt-3.5-turbo-1106", "gpt-4-1106-preview",
        "meta/code-llama-instruct-34b-chat", "meta/llama-2-70b-chat", "mistralai/mistral-7b-chat", "mistralai/mixtral-8x7b-chat", "zero-one-ai/Yi-34B-Chat",
    ];

    private string _directory = null!;
    private string _path = null!;

    public double FileMegabytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("routerbench-load-").FullName;
        _path = Path.Combine(_directory, "synthetic_routerbench.csv");
        Generate(_path, targetBytes: 100L * 1024 * 1024);
        FileMegabytes = new FileInfo(_path).Length / (1024.0 * 1024.0);
        Console.WriteLine($"// synthetic RouterBench file: {FileMegabytes:0.0} MB at {_path}");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>The RFC 4180 layer alone, to show where the load time goes.</summary>
    [Benchmark]
    public int CsvRecordsOnly()
    {
        using var reader = new CsvRecordReader(new StreamReader(_path), _path);
        var fields = new List<string>();
        var count = 0;
        while (reader.ReadRecord(fields))
        {
            count += fields.Count;
        }

        return count;
    }

    [Benchmark(Baseline = true)]
    public int Load() => RouterBenchReader.Read(_path, new ReplayReadOptions()).Items.Count;

    public static void Generate(string path, long targetBytes)
    {
        var random = new Random(1);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write(",sample_id,prompt,eval_name,");
        writer.Write(string.Join(',', Models));
        writer.Write(',');
        writer.Write(string.Join(',', Models.Select(m => m + "|model_response")));
        writer.Write(',');
        writer.Write(string.Join(',', Models.Select(m => m + "|total_cost")));
        writer.Write(",oracle_model_to_route_to\n");
        var row = 0;
        var words = "the of energy plant which water heat surface moon cell force, \"quoted\" it's".Split(' ');
        var prompt = new StringBuilder();
        while (writer.BaseStream.Position < targetBytes)
        {
            prompt.Clear();
            for (var shot = 0; shot < 5; shot++)
            {
                for (var w = 0; w < 40; w++)
                {
                    prompt.Append(words[random.Next(words.Length)]).Append(' ');
                }

                prompt.Append("?\\nA) one\\nB) two\\nC) three\\nD) four\\nPrint only a single choice from \"A\" or \"B\" or \"C\" or \"D\" without explanation.\\nAnswer:\\n");
                prompt.Append((char)('A' + random.Next(4))).Append("\\n\\n");
            }

            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{row},arc-challenge.synthetic.{row},\"['{prompt.Replace("'", "\\'").Replace("\"", "\"\"")}']\",arc-challenge"));
            for (var m = 0; m < Models.Length; m++)
            {
                writer.Write(random.NextDouble() < 0.7 ? ",1.0" : ",0.0");
            }

            for (var m = 0; m < Models.Length; m++)
            {
                writer.Write(random.Next(3) switch { 0 => ",['B']", 1 => ",\"['A)\\n']\"", _ => ",['I do']" });
            }

            for (var m = 0; m < Models.Length; m++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $",{random.NextDouble() * 0.01:R}"));
            }

            writer.Write(",claude-instant-v1\n");
            row++;
        }
    }
}
