using System.Globalization;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Replay;

/// <summary>The built-in workload used when no data file is given: four task types and six agents built so
/// that routing matters — a pricey generalist that is good at everything, cheap specialists that match it
/// on their own task type and fail elsewhere, a mid-priced all-rounder and a near-free weak model.
/// Each agent's probability of answering correctly per task type is the table below plus a seeded
/// perturbation of ±0.03; outcomes are seeded Bernoulli draws, costs jitter ±20% around the agent's price.
/// Two task types are multiple-choice (A–D): a wrong agent names a seeded wrong letter, so panels can vote.</summary>
public static class SimulatedWorkload
{
    public const int DefaultQueries = 2000;

    private static readonly string[] TaskTypes = ["math", "code", "science-mc", "trivia-mc"];

    private static readonly SimulatedAgent[] AgentTable =
    [
        new("atlas-xl", 0.0200, 2500, [0.92, 0.90, 0.91, 0.93]),
        new("numeric-7b", 0.0008, 600, [0.91, 0.35, 0.50, 0.40]),
        new("coder-13b", 0.0012, 800, [0.50, 0.89, 0.45, 0.40]),
        new("scholar-8b", 0.0010, 700, [0.40, 0.30, 0.88, 0.90]),
        new("mid-34b", 0.0040, 1500, [0.72, 0.66, 0.74, 0.76]),
        new("tiny-1b", 0.0001, 200, [0.25, 0.15, 0.45, 0.50]),
    ];

    private static readonly string[][] Vocabulary =
    [
        ["compute", "sum", "integer", "divide", "equation", "solve", "percent", "total", "remainder", "fraction"],
        ["function", "python", "return", "list", "implement", "string", "loop", "array", "recursion", "sort"],
        ["which", "energy", "cell", "plant", "gravity", "molecule", "experiment", "temperature", "force", "organism"],
        ["who", "capital", "century", "painted", "river", "novel", "empire", "invented", "country", "composer"],
    ];

    public static ReplayWorkload Create(int seed, int queryCount = DefaultQueries)
    {
        var random = new Random(seed);
        var skills = new double[AgentTable.Length][];
        var agents = new AgentProfile[AgentTable.Length];
        for (var a = 0; a < AgentTable.Length; a++)
        {
            var spec = AgentTable[a];
            skills[a] = spec.Skills.Select(skill => Math.Clamp(skill + ((random.NextDouble() * 0.06) - 0.03), 0, 1)).ToArray();
            agents[a] = new AgentProfile(spec.Name, ["simulated"], new CostModel(PerCall: spec.Cost), spec.LatencyMs);
        }

        var load = new ReplayLoadReport();
        var options = new[] { "A", "B", "C", "D" };
        var items = new List<ReplayItem>(queryCount);
        for (var q = 0; q < queryCount; q++)
        {
            var type = random.Next(TaskTypes.Length);
            var multipleChoice = TaskTypes[type].EndsWith("-mc", StringComparison.Ordinal);
            var words = Vocabulary[type];
            var text = string.Join(' ', Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)])) + $" #{q}";
            var gold = options[random.Next(options.Length)];
            var query = new Query($"sim.{q}", text, TaskTypes[type], null, multipleChoice ? options : null);
            var answers = new RecordedAnswer?[agents.Length];
            for (var a = 0; a < agents.Length; a++)
            {
                var correct = random.NextDouble() < skills[a][type];
                var cost = AgentTable[a].Cost * (0.8 + (0.4 * random.NextDouble()));
                var latency = AgentTable[a].LatencyMs * (0.8 + (0.4 * random.NextDouble()));
                var response = multipleChoice
                    ? correct ? gold : options.Where(o => o != gold).ElementAt(random.Next(options.Length - 1))
                    : correct ? "correct solution" : "wrong solution";
                answers[a] = new RecordedAnswer(correct ? 1 : 0, cost, latency, response, multipleChoice ? response : null);
            }

            var item = new ReplayItem(query, answers, agents);
            load.CountMultipleChoice(item);

            items.Add(item);
        }

        load.RowsRead = queryCount;
        load.Assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"simulated workload, seed {seed}, {queryCount} queries, task types {string.Join(", ", TaskTypes)} drawn uniformly"));
        for (var a = 0; a < agents.Length; a++)
        {
            var skillText = string.Join(", ", TaskTypes.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"{t} {skills[a][i]:0.00}")));
            load.Assumptions.Add(string.Create(CultureInfo.InvariantCulture,
                $"{AgentTable[a].Name}: P(correct) {skillText}; cost {AgentTable[a].Cost} $ ±20%; latency {AgentTable[a].LatencyMs} ms ±20%"));
            load.EmptyCells[agents[a].Name] = 0;
        }

        return new ReplayWorkload("simulated", "simulated", agents, items, load);
    }

    private sealed record SimulatedAgent(string Name, double Cost, double LatencyMs, double[] Skills);
}
