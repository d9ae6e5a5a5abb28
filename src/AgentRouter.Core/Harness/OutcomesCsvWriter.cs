using System.Globalization;
using System.Text;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Harness;

/// <summary>Writes a run's calls as RouterBench's wide CSV, which <c>replay --data</c> and router training read
/// as they read RouterBench itself: <c>sample_id, prompt, eval_name</c>, then per agent its correctness column
/// (named after the agent), <c>agent|model_response</c> and <c>agent|total_cost</c>. Rows follow the dataset's
/// order (not completion order), prompts and responses are Python list literals, costs are written in
/// round-trip form so that they read back bit for bit. A call that failed, was not made, or could not be
/// scored leaves its correctness and cost cells empty: replay then treats that agent as no candidate there.
/// Routed calls add one column for the router and fill each panel member's cells from its part of the call.</summary>
public static class OutcomesCsvWriter
{
    /// <param name="agents">Column order; agents seen only in <paramref name="records"/> are appended after them.</param>
    /// <returns>The number of data rows written.</returns>
    public static int Write(string path, IReadOnlyList<HarnessItem> items, IReadOnlyList<string> agents, IEnumerable<CallRecord> records)
    {
        ArgumentNullException.ThrowIfNull(items);
        var cells = new Dictionary<(string Id, string Agent), Cell>();
        var columns = new List<string>(agents);
        void Add(string id, string agent, Cell cell)
        {
            cells[(id, agent)] = cell;
            if (!columns.Contains(agent))
            {
                columns.Add(agent);
            }
        }

        foreach (var record in records)
        {
            Add(record.Id, record.Agent, new Cell(record.Succeeded ? record.Correct : null, record.Cost, record.Succeeded ? record.Response : null));
            foreach (var member in record.Members ?? [])
            {
                Add(record.Id, member.Agent, new Cell(member.Succeeded ? member.Correct : null, member.Cost, member.Succeeded ? member.Response : null));
            }
        }

        var temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false)))
        {
            var header = new List<string> { "sample_id", "prompt", "eval_name" };
            header.AddRange(columns);
            header.AddRange(columns.Select(c => c + "|model_response"));
            header.AddRange(columns.Select(c => c + "|total_cost"));
            writer.Write(string.Join(',', header.Select(Quote)) + "\n");
            var fields = new List<string>(header.Count);
            foreach (var item in items)
            {
                fields.Clear();
                fields.Add(Quote(item.Id));
                fields.Add(Quote(PythonStringList.Format(item.Prompt)));
                fields.Add(Quote(item.TaskType ?? string.Empty));
                var row = columns.Select(c => cells.TryGetValue((item.Id, c), out var cell) ? cell : null).ToList();
                fields.AddRange(row.Select(c => c?.Correct is { } correct ? Number(correct) : string.Empty));
                fields.AddRange(row.Select(c => c?.Response is { } response ? Quote(PythonStringList.Format(response)) : string.Empty));
                fields.AddRange(row.Select(c => c?.Correct is not null ? Number(c.Cost) : string.Empty));
                writer.Write(string.Join(',', fields) + "\n");
            }
        }

        // Written beside and moved into place, so that a reader never sees half a file.
        File.Move(temporary, path, overwrite: true);
        return items.Count;
    }

    /// <summary>1 and 0 as RouterBench writes them ("1.0", "0.0"); anything else in round-trip form.</summary>
    private static string Number(double value) => value switch
    {
        1 => "1.0",
        0 => "0.0",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record Cell(double? Correct, double Cost, string? Response);
}
