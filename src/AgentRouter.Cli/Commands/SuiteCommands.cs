using System.CommandLine;
using System.Text;
using AgentRouter.Core.Suite;

namespace AgentRouter.Cli.Commands;

/// <summary><c>agentrouter suite export|check</c>: the task suite as JSONL (docs/SUITE.md).</summary>
internal static class SuiteCommands
{
    public static Command Build()
    {
        var command = new Command("suite", "The task suite: seeded discrete-choice questions in five domains.");
        command.Subcommands.Add(BuildExport());
        command.Subcommands.Add(BuildCheck());
        return command;
    }

    private static Command BuildExport()
    {
        var split = new Option<string>("--split")
        {
            Description = "Which split to write: train, test or all.",
            DefaultValueFactory = _ => "all",
        };
        split.AcceptOnlyFromAmong("train", "test", "all");
        var count = new Option<int>("--count")
        {
            Description = "Number of items (shared evenly by domain and difficulty).",
            DefaultValueFactory = _ => 1000,
        };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError("--count must be a positive number.");
            }
        });
        var seed = new Option<ulong>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 1UL };
        var output = new Option<FileInfo?>("--out") { Description = "Output file (default: standard output)." };

        var command = new Command("export", "Write suite items as JSONL.") { split, count, seed, output };
        command.SetAction(parseResult =>
        {
            SuiteSplits.TryParseFilter(parseResult.GetValue(split)!, out var filter);
            IReadOnlyList<SuiteItem> items;
            try
            {
                items = SuiteGenerator.Generate(new SuiteGenerationOptions(parseResult.GetValue(count), parseResult.GetValue(seed), filter));
            }
            catch (SuiteGenerationException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return 1;
            }

            var file = parseResult.GetValue(output);
            if (file is null)
            {
                SuiteJsonl.Write(Console.Out, items);
                return 0;
            }

            using (var writer = new StreamWriter(file.FullName, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                SuiteJsonl.Write(writer, items);
            }

            Console.Error.WriteLine($"wrote {items.Count} items to {file.FullName}");
            return 0;
        });
        return command;
    }

    private static Command BuildCheck()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A suite JSONL file." };
        var command = new Command("check", "Validate a suite JSONL file and count its items per domain, difficulty and split.") { file };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"error: {path.FullName} does not exist.");
                return 1;
            }

            IReadOnlyList<SuiteItem> items;
            try
            {
                items = SuiteJsonl.ReadFile(path.FullName);
            }
            catch (SuiteFormatException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return 1;
            }

            Console.WriteLine($"{items.Count} items");
            foreach (var group in items.GroupBy(item => (item.Domain, item.Difficulty, item.Split)).OrderBy(group => group.Key))
            {
                Console.WriteLine($"  {group.Key.Domain,-11} difficulty {group.Key.Difficulty}  {SuiteSplits.Name(group.Key.Split),-5} {group.Count(),6}");
            }

            return 0;
        });
        return command;
    }
}
