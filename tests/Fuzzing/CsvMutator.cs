using System.Text;

namespace AgentRouter.Tests.Fuzzing;

/// <summary>Mutation-style CSV inputs from valid seeds: cells replaced by hostile values (unclosed or misplaced
/// quotes, NaN/inf, huge numbers, broken Python lists, long cells), rows duplicated, dropped, reordered or given a
/// cell more or less, then sometimes byte-level damage.</summary>
internal static class CsvMutator
{
    private static readonly string[] Cells =
    [
        "", "\"", "\"unclosed", "\"a\"\"b\"", "\"x\"y", "x\"y", "\"a,b\"", "NaN", "nan", "inf", "-inf", "Infinity", "1e309", "-1e309",
        "-0.1", "1.0000001", "2", "-0", "1e-320", "0x1", "1,5", "['a', 'b'", "[]", "['\\ud800']", "[\"a\"]", "[1, 2]", "['a' 'b']",
        "True", "None", "\r", "\u0000", "\uFEFF", "😀",
    ];

    public static FuzzCase Mutate(IReadOnlyList<string> seeds, Random random)
    {
        var seedIndex = random.Next(seeds.Count);
        var lines = seeds[seedIndex].Split('\n').ToList();
        var steps = new List<string> { $"seed {seedIndex}" };
        var count = 1 + random.Next(3);
        for (var i = 0; i < count && lines.Count > 0; i++)
        {
            var row = random.Next(lines.Count);
            switch (random.Next(8))
            {
                case < 4:
                    var cells = lines[row].Split(',');
                    var column = random.Next(cells.Length);
                    var cell = random.Next(3) == 0 ? JsonMutator.HostileLiteral(random) : Cells[random.Next(Cells.Length)];
                    cells[column] = cell;
                    lines[row] = string.Join(',', cells);
                    steps.Add($"cell {row}:{column} := {(cell.Length <= 30 ? cell : cell[..30] + "…")}");
                    break;
                case 4:
                    lines.Insert(row, lines[row]);
                    steps.Add($"duplicate row {row}");
                    break;
                case 5:
                    lines.RemoveAt(row);
                    steps.Add($"remove row {row}");
                    break;
                case 6:
                    var other = random.Next(lines.Count);
                    (lines[row], lines[other]) = (lines[other], lines[row]);
                    steps.Add($"swap rows {row},{other}");
                    break;
                default:
                    lines[row] = random.Next(2) == 0 ? lines[row] + "," : RemoveLastCell(lines[row]);
                    steps.Add($"cell count changed in row {row}");
                    break;
            }
        }

        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        if (random.NextDouble() < 0.3)
        {
            (bytes, var step) = ByteMutator.Mutate(bytes, random);
            steps.Add(step);
        }

        return new FuzzCase(bytes, string.Join(" → ", steps));
    }

    private static string RemoveLastCell(string line) => line.LastIndexOf(',') is var comma and >= 0 ? line[..comma] : "";
}
