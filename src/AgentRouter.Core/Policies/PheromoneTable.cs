using System.Text.Json.Nodes;

namespace AgentRouter.Core.Policies;

/// <summary>One pheromone vector (τ per agent slot) per task type. Rows 0..k−1 belong to the feature
/// clusters; named task types get rows after them on first sight. Entries start at τ0.</summary>
internal sealed class PheromoneTable
{
    private readonly Dictionary<string, int> _namedRows = new(StringComparer.Ordinal);
    private readonly List<double[]> _rows = [];
    private readonly int _clusterRows;
    private int _agents;

    public PheromoneTable(int clusterRows, double initial)
    {
        _clusterRows = clusterRows;
        Initial = initial;
        for (var i = 0; i < clusterRows; i++)
        {
            _rows.Add([]);
        }
    }

    public double Initial { get; }

    public int RowCount => _rows.Count;

    public double[] Row(int row) => _rows[row];

    public void EnsureAgents(int agents)
    {
        if (agents <= _agents)
        {
            return;
        }

        var size = Math.Max(agents, Math.Max(8, _agents * 2));
        for (var r = 0; r < _rows.Count; r++)
        {
            _rows[r] = Grow(_rows[r], size);
        }

        _agents = size;
    }

    public int NamedRow(string taskType)
    {
        if (_namedRows.TryGetValue(taskType, out var row))
        {
            return row;
        }

        row = _rows.Count;
        _namedRows.Add(taskType, row);
        _rows.Add(Grow([], _agents));
        return row;
    }

    public JsonObject ToJson(int agents)
    {
        EnsureAgents(agents);
        var rows = new JsonArray();
        foreach (var row in _rows)
        {
            rows.Add(PolicyState.Doubles(row.AsSpan(0, agents)));
        }

        var named = new JsonObject();
        foreach (var (taskType, row) in _namedRows)
        {
            named[taskType] = row;
        }

        return new JsonObject { ["rows"] = rows, ["namedRows"] = named };
    }

    public void Restore(JsonObject state, int agents)
    {
        var rows = state["rows"] as JsonArray ?? throw new ArgumentException("The snapshot lacks field 'pheromone.rows'.", "pheromone.rows");
        var named = PolicyState.RequiredObject(state, "namedRows");
        if (rows.Count != _clusterRows + named.Count)
        {
            throw new ArgumentException(
                $"Snapshot field 'pheromone.rows' has {rows.Count} rows, expected {_clusterRows} cluster rows plus {named.Count} named ones.",
                "pheromone.rows");
        }

        _rows.Clear();
        var wrapper = new JsonObject();
        for (var r = 0; r < rows.Count; r++)
        {
            wrapper["row"] = rows[r]?.DeepClone();
            _rows.Add(PolicyState.ReadDoubles(wrapper, "row", agents));
        }

        _namedRows.Clear();
        foreach (var (taskType, row) in named)
        {
            _namedRows.Add(taskType, row?.GetValue<int>() ?? throw new ArgumentException(
                $"Snapshot field 'pheromone.namedRows.{taskType}' is null.", "pheromone.namedRows"));
        }

        _agents = agents;
    }

    private double[] Grow(double[] row, int size)
    {
        var old = row.Length;
        if (old >= size)
        {
            return row;
        }

        Array.Resize(ref row, size);
        row.AsSpan(old).Fill(Initial);
        return row;
    }
}
