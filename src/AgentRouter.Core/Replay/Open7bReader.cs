using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Json;

namespace AgentRouter.Core.Replay;

/// <summary>Reads RouterDC's open-model format: a JSON array of <c>{"question": "...", "scores": {"model": s}}</c>
/// with s in [0, 1] (and an optional <c>cluster_id</c>). It records no responses, so every query is treated as
/// free-form (a panel's answer is its best-ranked member's) and no cost, so the cost is the assumed rule in
/// <see cref="ReplayReadOptions.AssumedCost"/>. The task type is the file's stem ("gsm8k-train" → "gsm8k"),
/// with "/cluster-N" when the item has a cluster id. The file is one JSON array, read item by item; the whole
/// file is buffered as bytes (these files are a few MB) so that errors can name the line.</summary>
public static partial class Open7bReader
{
    public static ReplayWorkload Read(string path, ReplayReadOptions options)
    {
        using var stream = RouterBenchReader.OpenFile(path);
        return Read(stream, path, options);
    }

    public static ReplayWorkload Read(Stream stream, string fileName, ReplayReadOptions options)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new ReplayDataException(fileName, 0, null, "the file is empty");
        }

        var taskType = TaskTypeFromFileName(fileName);
        var load = new ReplayLoadReport();
        var rows = new List<(string Question, int? Cluster, Dictionary<string, double> Scores, long Line)>();
        var models = new List<string>();
        var lineCounter = new LineCounter();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var itemIndex = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new ReplayDataException(fileName, lineCounter.LineAt(bytes, reader.TokenStartIndex), null, "expected a JSON array of items");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var line = lineCounter.LineAt(bytes, reader.TokenStartIndex);
                using var item = JsonDocument.ParseValue(ref reader);
                load.RowsRead++;
                try
                {
                    CheckItem(item.RootElement, itemIndex, fileName, line);
                    var row = ParseItem(item.RootElement, itemIndex, fileName, line);
                    foreach (var model in row.Scores.Keys)
                    {
                        if (!models.Contains(model))
                        {
                            models.Add(model);
                        }
                    }

                    rows.Add((row.Question, row.Cluster, row.Scores, line));
                }
                catch (ReplayDataException error) when (options.SkipBadRows)
                {
                    load.RecordSkipped(error);
                }

                itemIndex++;
            }

            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw new ReplayDataException(fileName, lineCounter.LineAt(bytes, bytes.Length), null, "the JSON array is not closed");
            }
        }
        catch (JsonException error)
        {
            throw new ReplayDataException(fileName, (error.LineNumber ?? 0) + 1, error.Path ?? $"[{itemIndex}]", $"bad JSON: {error.Message}", error);
        }

        if (load.RowsRead == 0)
        {
            throw new ReplayDataException(fileName, 1, null, "the JSON array has no items");
        }

        var agents = models.Select(model => new AgentProfile(
            model, Array.Empty<string>(), new CostModel(PerCall: AssumedCallCost(model, options, fileName)), options.Latency.Typical(model))).ToArray();
        load.Assumptions.Add(options.AssumedCost == AssumedCost.Params
            ? string.Create(CultureInfo.InvariantCulture, $"assumed cost (no cost in the data): {options.DollarsPerBillionParameters} $ per call per billion parameters, parsed from the model name")
            : string.Create(CultureInfo.InvariantCulture, $"assumed cost (no cost in the data): uniform {options.UniformCost} $ per call"));
        load.Assumptions.Add(options.Latency.Describe());
        load.Assumptions.Add("open7b records no responses: every query is free-form and a panel's answer is its best-ranked member's");
        foreach (var model in models)
        {
            load.EmptyCells[model] = 0;
        }

        var random = new Random(options.Seed);
        var items = new List<ReplayItem>(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var (question, cluster, scores, _) = rows[r];
            var answers = new RecordedAnswer?[agents.Length];
            for (var m = 0; m < agents.Length; m++)
            {
                if (scores.TryGetValue(agents[m].Name, out var score))
                {
                    answers[m] = new RecordedAnswer(score, agents[m].Cost.PerCall, options.Latency.Sample(agents[m].Name, null, random), null, null);
                }
                else
                {
                    load.EmptyCells[agents[m].Name]++;
                }
            }

            var type = cluster is null ? taskType : $"{taskType}/cluster-{cluster}";
            var item = new ReplayItem(new Query($"{taskType}.{r}", question, type), answers, agents);
            if (item.Candidates.Count == 0)
            {
                load.RowsWithoutCandidates++;
                continue;
            }

            items.Add(item);
        }

        return new ReplayWorkload(fileName, "open7b", agents, items, load);
    }

    private static (string Question, int? Cluster, Dictionary<string, double> Scores) ParseItem(JsonElement item, int index, string file, long line)
    {
        var at = $"[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayDataException(file, line, at, "item is not a JSON object");
        }

        if (!item.TryGetProperty("question", out var question) || question.ValueKind != JsonValueKind.String)
        {
            throw new ReplayDataException(file, line, at + ".question", "missing or not a string");
        }

        if (!item.TryGetProperty("scores", out var scores) || scores.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayDataException(file, line, at + ".scores", "missing or not an object");
        }

        int? cluster = null;
        if (item.TryGetProperty("cluster_id", out var clusterId))
        {
            cluster = clusterId.ValueKind == JsonValueKind.Number && clusterId.TryGetInt32(out var id)
                ? id
                : throw new ReplayDataException(file, line, at + ".cluster_id", "not an integer");
        }

        var parsed = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var score in scores.EnumerateObject())
        {
            // A null score is this data set's empty cell: that model is not a candidate for the item.
            if (score.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (score.Value.ValueKind != JsonValueKind.Number || !score.Value.TryGetDouble(out var value) || !double.IsFinite(value) || value is < 0 or > 1)
            {
                throw new ReplayDataException(file, line, $"{at}.scores.{score.Name}", $"score {score.Value.GetRawText()} is not a number in [0, 1]");
            }

            parsed[score.Name] = value;
        }

        return (question.GetString()!, cluster, parsed);
    }

    private static void CheckItem(JsonElement item, int index, string file, long line)
    {
        try
        {
            CheckedJson.Check(item);
        }
        catch (JsonException error)
        {
            throw new ReplayDataException(file, line, $"[{index}]", error.Message, error);
        }
    }

    private static double AssumedCallCost(string model, ReplayReadOptions options, string file)
    {
        if (options.AssumedCost == AssumedCost.Uniform)
        {
            return options.UniformCost;
        }

        var match = ParameterCount().Match(model);
        if (!match.Success)
        {
            throw new ReplayDataException(file, 0, $"scores.{model}", "--assumed-cost params needs a parameter count such as '7B' in the model name; use --assumed-cost uniform");
        }

        return double.Parse(match.Groups["billions"].Value, CultureInfo.InvariantCulture) * options.DollarsPerBillionParameters;
    }

    private static string TaskTypeFromFileName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var cut = stem.IndexOfAny(['-', '_']);
        return cut > 0 ? stem[..cut] : stem;
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9.])(?<billions>\d+(?:\.\d+)?)[bB](?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterCount();

    /// <summary>Counts newlines incrementally, since item offsets only grow.</summary>
    private sealed class LineCounter
    {
        private long _offset;
        private long _line = 1;

        public long LineAt(ReadOnlySpan<byte> bytes, long offset)
        {
            offset = Math.Min(offset, bytes.Length);
            if (offset < _offset)
            {
                (_offset, _line) = (0, 1);
            }

            _line += bytes[(int)_offset..(int)offset].Count((byte)'\n');
            _offset = offset;
            return _line;
        }
    }
}
