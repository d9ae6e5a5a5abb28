using System.Text;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Harness;
using AgentRouter.Core.Presets;
using AgentRouter.Core.Replay;
using AgentRouter.Tests.Fuzzing;
using Xunit.Abstractions;

namespace AgentRouter.Core.Tests.Fuzz;

/// <summary>Issue 16 point 4: every file parser of Core, fed mutants of valid files (see <see cref="JsonMutator"/> and
/// <see cref="CsvMutator"/>), either parses or refuses with its documented typed error — never another exception,
/// never a hang. <see cref="FuzzSettings"/> sets the case count (1,000 by default) and the seed.</summary>
public sealed class FileParserFuzzTests(ITestOutputHelper output)
{
    private const string RouterBenchHeader = ",sample_id,prompt,eval_name,m1,m2,m1|model_response,m2|model_response,m1|total_cost,m2|total_cost";

    [Fact]
    public async Task Agent_manifests_parse_or_report_file_and_field_errors()
    {
        var seeds = RepositoryFiles("agents/simulated", "*.json").Concat(RepositoryFiles("agents/local", "*.json")).ToList();
        Assert.NotEmpty(seeds);
        var report = await FuzzRunner.RunAsync(
            "agent manifest",
            random => JsonMutator.Mutate(seeds, random),
            fuzzCase =>
            {
                var result = AgentManifestLoader.Parse(fuzzCase.Text, "fuzz.json");
                // Either a manifest or errors naming the file: a silent empty result is a defect too.
                Assert.True(result.Manifests.Count == 1 ^ result.Errors.Count > 0, "neither a manifest nor an error");
                Assert.All(result.Errors, error => Assert.Equal("fuzz.json", error.File));
                return result.Errors.Count > 0 ? "ManifestError" : "parsed";
            },
            _ => null);
        Finish(report);
    }

    [Fact]
    public async Task Policy_presets_parse_or_throw_PolicyPresetException()
    {
        var seeds = RepositoryFiles("policies", "*.json");
        var report = await FuzzRunner.RunAsync(
            "policy preset",
            random => JsonMutator.Mutate(seeds, random),
            fuzzCase => PolicyPresetLoader.Parse(fuzzCase.Text, "fuzz.json"),
            error => error is PolicyPresetException ? nameof(PolicyPresetException) : null);
        Finish(report);
    }

    [Fact]
    public async Task RouterBench_csv_reads_or_throws_ReplayDataException()
    {
        string[] seeds =
        [
            string.Join('\n', RouterBenchHeader, Row(0), Row(1), Row(2)) + "\n",
            string.Join("\r\n", RouterBenchHeader, Row(0), Row(1).Replace("0.0,", ",", StringComparison.Ordinal)),
            ",sample_id,prompt,eval_name,a,a|total_cost\n0,x,\"['Q?']\",mmlu,0.5,0.25\n",
        ];
        var report = await FuzzRunner.RunAsync(
            "RouterBench CSV",
            random => CsvMutator.Mutate(seeds, random),
            fuzzCase =>
            {
                using var stream = new MemoryStream(fuzzCase.Bytes);
                RouterBenchReader.Read(stream, "fuzz.csv", new ReplayReadOptions());
            },
            error => error is ReplayDataException ? nameof(ReplayDataException) : null);
        Finish(report);
    }

    [Fact]
    public async Task Open7b_json_reads_or_throws_ReplayDataException()
    {
        string[] seeds =
        [
            """
            [{"question": "2+2?", "scores": {"org/Mistral-7B-v0.1": 1.0, "org/Meta-Llama-3-8B": 0.5}},
             {"question": "3+3?", "scores": {"org/Mistral-7B-v0.1": 0.0, "org/Meta-Llama-3-8B": null}, "cluster_id": 4}]
            """,
            """[{"question": "q", "scores": {"a-13B": 0.25}, "cluster_id": 0}]""",
        ];
        var report = await FuzzRunner.RunAsync(
            "open7b JSON",
            random => JsonMutator.Mutate(seeds, random),
            fuzzCase =>
            {
                using var stream = new MemoryStream(fuzzCase.Bytes);
                Open7bReader.Read(stream, "gsm8k-fuzz.json", new ReplayReadOptions());
            },
            error => error is ReplayDataException ? nameof(ReplayDataException) : null);
        Finish(report);
    }

    [Fact]
    public async Task Harness_jsonl_reads_or_throws_ReplayDataException()
    {
        string[] seeds =
        [
            """{"id": "a", "prompt": "2+2?", "answer": "4", "scoring": "number", "task": "math"}""",
            """{"id": 7, "messages": [{"role": "user", "content": "Pick"}], "choices": ["x", "y"], "answer": "B"}""",
            """{"id": "c", "prompt": "Say hi", "answer": "hi", "scoring": "exact"}""",
        ];
        using var directory = new TemporaryFolder();
        var path = Path.Combine(directory.Path, "fuzz.jsonl");
        var report = await FuzzRunner.RunAsync(
            "harness JSONL",
            random =>
            {
                // A file of a few lines, one of them mutated.
                var mutant = JsonMutator.Mutate(seeds, random);
                var lines = seeds.Take(1 + random.Next(seeds.Length)).Select(Encoding.UTF8.GetBytes).ToList();
                lines.Insert(random.Next(lines.Count + 1), mutant.Bytes);
                return mutant with { Bytes = [.. lines.SelectMany(line => line.Append((byte)'\n'))] };
            },
            fuzzCase =>
            {
                File.WriteAllBytes(path, fuzzCase.Bytes);
                HarnessJsonlReader.Read(path);
            },
            error => error is ReplayDataException ? nameof(ReplayDataException) : null);
        Finish(report);
    }

    private static string Row(int i) => $"{i},s{i},\"['Q{i}?\nA) x\nB) y']\",arc,1.0,0.0,['A'],['B'],0.001,0.002";

    private void Finish(FuzzReport report)
    {
        output.WriteLine(report.Summary);
        report.AssertNoFailures();
    }

    /// <summary>Every file under a repository folder (found from the test binaries, never [CallerFilePath]).</summary>
    private static List<string> RepositoryFiles(string folder, string pattern)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentRouter.sln")))
            {
                return [.. Directory.EnumerateFiles(Path.Combine(directory.FullName, folder), pattern)
                    .Order(StringComparer.Ordinal).Select(File.ReadAllText)];
            }
        }

        throw new InvalidOperationException("AgentRouter.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("agentrouter-fuzz-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
