using AgentRouter.Core.Merging;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Harness;

/// <summary>The questions of a harness run, in file order, with the format they came from.</summary>
public sealed record HarnessDataset(string Source, string Format, IReadOnlyList<HarnessItem> Items)
{
    public static IReadOnlyList<string> Formats { get; } = ["auto", "routerbench", "open7b", "jsonl"];

    /// <summary>Reads a RouterBench CSV (prompts; the answer letter inferred from the answers recorded correct),
    /// an open7b JSON array (questions only: no answers, so unscored) or a harness JSONL file
    /// (<see cref="HarnessJsonlReader"/>). <c>auto</c> picks by extension: .csv, .json, .jsonl.</summary>
    /// <exception cref="ReplayDataException">The file is missing or bad; the message names file, line and field.</exception>
    /// <exception cref="ArgumentException">The format name is unknown.</exception>
    public static HarnessDataset Load(string path, string format = "auto")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new ReplayDataException(path, 0, null, "file not found");
        }

        var resolved = format.ToLowerInvariant() switch
        {
            "auto" => Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".csv" => "routerbench",
                ".json" => "open7b",
                _ => "jsonl",
            },
            "routerbench" or "open7b" or "jsonl" => format.ToLowerInvariant(),
            _ => throw new ArgumentException($"Unknown dataset format '{format}'. Known formats: {string.Join(", ", Formats)}.", nameof(format)),
        };

        var items = resolved switch
        {
            "routerbench" => FromWorkload(RouterBenchReader.Read(path, new ReplayReadOptions())),
            "open7b" => FromWorkload(Open7bReader.Read(path, new ReplayReadOptions(AssumedCost: AssumedCost.Uniform))),
            _ => HarnessJsonlReader.Read(path),
        };
        return new HarnessDataset(path, resolved, items);
    }

    /// <summary>RouterBench has no gold column: a multiple-choice row's answer is the letter its correct recorded
    /// answers agree on (<see cref="ReplayItem.GoldChoice"/>), a free-form row's the number they agree on
    /// (GSM8K). Where no recorded answer is correct the letters recorded are known to be wrong. open7b records
    /// no answers: its items are unscored.</summary>
    private static List<HarnessItem> FromWorkload(ReplayWorkload workload)
    {
        var items = new List<HarnessItem>(workload.Items.Count);
        foreach (var replay in workload.Items)
        {
            var query = replay.Query;
            var answers = replay.CandidateAgents.Select(replay.AnswerOf).OfType<RecordedAnswer>().ToList();
            if (workload.Format == "open7b")
            {
                items.Add(new HarnessItem(query.Id, query.Text, null, query.TaskType, query.Options, null, ScoringKind.None));
            }
            else if (query.Options is { } options)
            {
                var rejected = replay.GoldChoice is null
                    ? answers.Where(a => a.Quality < 1 && a.Choice is not null).Select(a => a.Choice!).Distinct(StringComparer.Ordinal).ToArray()
                    : null;
                items.Add(new HarnessItem(query.Id, query.Text, null, query.TaskType, options, replay.GoldChoice, ScoringKind.MultipleChoice, rejected));
            }
            else
            {
                var numbers = answers.Where(a => a.Quality >= 1).Select(a => AnswerScorer.LastNumber(a.Response)).Distinct().ToList();
                var answer = numbers is [{ } only] ? only.ToString("G29", System.Globalization.CultureInfo.InvariantCulture) : null;
                items.Add(new HarnessItem(query.Id, query.Text, null, query.TaskType, null, answer, answer is null ? ScoringKind.None : ScoringKind.Numeric));
            }
        }

        return items;
    }

    internal static IReadOnlyList<string>? OptionsOf(string prompt) => OptionLetters.FromPrompt(prompt);
}
