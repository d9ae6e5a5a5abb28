using System.Globalization;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Core.Replay;

/// <summary>Reads RouterBench's wide CSV: <c>sample_id</c>, <c>prompt</c>, <c>eval_name</c>, then per model a
/// correctness column named after the model, <c>model|model_response</c> (optional) and <c>model|total_cost</c>.
/// Rows are streamed one at a time. Empty-cell rule: when a model's correctness or cost cell is empty, that
/// model is not a candidate for that query (counted per model in <see cref="ReplayLoadReport.EmptyCells"/>).</summary>
public static class RouterBenchReader
{
    private const string ResponseSuffix = "|model_response";
    private const string CostSuffix = "|total_cost";
    private static readonly HashSet<string> KnownColumns = new(StringComparer.Ordinal) { "", "sample_id", "prompt", "eval_name", "oracle_model_to_route_to" };

    public static ReplayWorkload Read(string path, ReplayReadOptions options)
    {
        using var stream = OpenFile(path);
        return Read(stream, path, options);
    }

    public static ReplayWorkload Read(Stream stream, string fileName, ReplayReadOptions options)
    {
        using var csv = new CsvRecordReader(new StreamReader(stream, leaveOpen: true), fileName);
        var fields = new List<string>();
        if (!csv.ReadRecord(fields) || (fields.Count == 1 && fields[0].Length == 0))
        {
            throw new ReplayDataException(fileName, 0, null, "the file is empty (no header row)");
        }

        var layout = Layout.FromHeader(fields, fileName);
        var load = new ReplayLoadReport();
        load.IgnoredColumns.AddRange(layout.Ignored);
        load.Assumptions.Add(options.Latency.Describe());
        load.Assumptions.Add("cost = the recorded <model>|total_cost of each call (US dollars)");
        foreach (var model in layout.Models)
        {
            load.EmptyCells[model.Name] = 0;
        }

        var random = new Random(options.Seed);
        var items = new List<ReplayItem>();
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var costSums = new double[layout.Models.Count];
        var costCounts = new int[layout.Models.Count];
        var pending = new List<(Query Query, RecordedAnswer?[] Answers)>();
        while (csv.ReadRecord(fields))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // a blank line carries no record
            }

            load.RowsRead++;
            try
            {
                var (query, answers, empty) = ParseRow(fields, layout, fileName, csv.RecordLine, options, random);
                for (var m = 0; m < empty.Length; m++)
                {
                    if (empty[m])
                    {
                        load.EmptyCells[layout.Models[m].Name]++;
                    }
                    else if (answers[m] is { } answer)
                    {
                        costSums[m] += answer.Cost;
                        costCounts[m]++;
                    }
                }

                var count = seenIds[query.Id] = seenIds.GetValueOrDefault(query.Id) + 1;
                if (count > 1)
                {
                    load.DuplicateIds++;
                    query = query with { Id = $"{query.Id}#{count}" };
                }

                pending.Add((query, answers));
            }
            catch (ReplayDataException error) when (options.SkipBadRows)
            {
                load.RecordSkipped(error);
            }
        }

        if (load.RowsRead == 0)
        {
            throw new ReplayDataException(fileName, 0, null, "the file has a header but no data rows");
        }

        var agents = new AgentProfile[layout.Models.Count];
        for (var m = 0; m < agents.Length; m++)
        {
            var name = layout.Models[m].Name;
            var meanCost = costCounts[m] > 0 ? costSums[m] / costCounts[m] : 0;
            agents[m] = new AgentProfile(name, Array.Empty<string>(), new CostModel(PerCall: meanCost), options.Latency.Typical(name));
        }

        foreach (var (query, answers) in pending)
        {
            var item = new ReplayItem(query, answers, agents);
            if (item.Candidates.Count == 0)
            {
                load.RowsWithoutCandidates++;
                continue;
            }

            load.CountMultipleChoice(item);

            items.Add(item);
        }

        return new ReplayWorkload(fileName, "routerbench", agents, items, load);
    }

    private static (Query Query, RecordedAnswer?[] Answers, bool[] Empty) ParseRow(
        List<string> fields, Layout layout, string file, long line, ReplayReadOptions options, Random random)
    {
        if (fields.Count != layout.ColumnCount)
        {
            throw new ReplayDataException(file, line, null, $"expected {layout.ColumnCount} fields as in the header, found {fields.Count}");
        }

        var id = fields[layout.SampleId].Trim();
        if (id.Length == 0)
        {
            throw new ReplayDataException(file, line, "sample_id", "empty sample id");
        }

        var prompt = ParseText(fields[layout.Prompt], file, line, "prompt") ?? string.Empty;
        var evalName = fields[layout.EvalName].Trim();
        var optionLetters = OptionLetters.FromPrompt(prompt);
        var query = new Query(id, prompt, evalName.Length == 0 ? null : evalName, null, optionLetters);

        var answers = new RecordedAnswer?[layout.Models.Count];
        var empty = new bool[layout.Models.Count];
        for (var m = 0; m < layout.Models.Count; m++)
        {
            var model = layout.Models[m];
            var correctnessCell = fields[model.Correctness];
            var costCell = fields[model.Cost];
            var response = model.Response >= 0 ? ParseText(fields[model.Response], file, line, model.Name + ResponseSuffix) : null;
            if (string.IsNullOrWhiteSpace(correctnessCell) || string.IsNullOrWhiteSpace(costCell))
            {
                empty[m] = true;
                continue;
            }

            var quality = ParseNumber(correctnessCell, file, line, model.Name);
            if (quality is < 0 or > 1)
            {
                throw new ReplayDataException(file, line, model.Name, $"correctness {correctnessCell} is outside [0, 1]");
            }

            var cost = ParseNumber(costCell, file, line, model.Name + CostSuffix);
            if (cost < 0)
            {
                throw new ReplayDataException(file, line, model.Name + CostSuffix, $"negative cost {costCell}");
            }

            var latency = options.Latency.Sample(model.Name, response, random);
            answers[m] = new RecordedAnswer(quality, cost, latency, response, ReplayItem.ExtractChoice(response, optionLetters));
        }

        return (query, answers, empty);
    }

    private static double ParseNumber(string cell, string file, long line, string field)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new ReplayDataException(file, line, field, $"'{Shorten(cell)}' is not a number");
        }

        if (!double.IsFinite(value))
        {
            throw new ReplayDataException(file, line, field, $"'{cell}' is not a finite number");
        }

        return value;
    }

    /// <summary>Prompt and response cells are Python list literals of one string; several strings are joined by newlines.</summary>
    private static string? ParseText(string cell, string file, long line, string field)
    {
        if (string.IsNullOrWhiteSpace(cell))
        {
            return null;
        }

        if (!cell.AsSpan().TrimStart().StartsWith("[", StringComparison.Ordinal))
        {
            return cell;
        }

        try
        {
            var parts = PythonStringList.Parse(cell);
            return parts.Count == 1 ? parts[0] : string.Join('\n', parts);
        }
        catch (FormatException error)
        {
            throw new ReplayDataException(file, line, field, $"not a Python list of strings ({error.Message}): '{Shorten(cell)}'", error);
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    internal static Stream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ReplayDataException(path, 0, null, $"cannot open the file: {error.Message}", error);
        }
    }

    private sealed record ModelColumns(string Name, int Correctness, int Response, int Cost);

    private sealed class Layout
    {
        public int ColumnCount { get; private init; }

        public int SampleId { get; private init; }

        public int Prompt { get; private init; }

        public int EvalName { get; private init; }

        public List<ModelColumns> Models { get; } = [];

        public List<string> Ignored { get; } = [];

        public static Layout FromHeader(List<string> header, string file)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                if (!index.TryAdd(header[i], i) && header[i].Length > 0)
                {
                    throw new ReplayDataException(file, 1, header[i], "column appears twice in the header");
                }
            }

            int Required(string name) => index.TryGetValue(name, out var i)
                ? i
                : throw new ReplayDataException(file, 1, name, "required column is missing from the header");

            var layout = new Layout
            {
                ColumnCount = header.Count,
                SampleId = Required("sample_id"),
                Prompt = Required("prompt"),
                EvalName = Required("eval_name"),
            };

            foreach (var name in header)
            {
                if (KnownColumns.Contains(name))
                {
                    continue;
                }

                var bar = name.IndexOf('|', StringComparison.Ordinal);
                if (bar >= 0)
                {
                    var model = name[..bar];
                    var suffix = name[bar..];
                    if (suffix is not (ResponseSuffix or CostSuffix))
                    {
                        layout.Ignored.Add(name);
                    }
                    else if (!index.ContainsKey(model))
                    {
                        throw new ReplayDataException(file, 1, name, $"column has no correctness column '{model}' beside it");
                    }

                    continue;
                }

                if (!index.TryGetValue(name + CostSuffix, out var cost))
                {
                    throw new ReplayDataException(file, 1, name + CostSuffix, $"model column '{name}' has no cost column");
                }

                layout.Models.Add(new ModelColumns(name, index[name], index.GetValueOrDefault(name + ResponseSuffix, -1), cost));
            }

            if (layout.Models.Count == 0)
            {
                throw new ReplayDataException(file, 1, null, "the header names no model columns");
            }

            return layout;
        }
    }
}
