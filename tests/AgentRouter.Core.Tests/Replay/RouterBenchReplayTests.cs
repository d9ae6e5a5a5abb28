using System.Text;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

/// <summary>A six-query RouterBench file small enough that every replay number is worked out by hand.
/// m1 is cheap (0.001), m2 mid (0.002), m3 dear (0.010). Correctness (m1,m2,m3) and answers:
/// q1 0,1,1 A,B,B) · q2 1,1,1 C · q3 0,0,1 A,B,D · q4 0,0,0 A,A,B · q5 –,1,0 (m1 empty) B,A,C · q6 1,0,1 D,"I do not know",D.</summary>
public sealed class RouterBenchReplayTests : IDisposable
{
    private const string Header = ",sample_id,prompt,eval_name,m1,m2,m3,m1|model_response,m2|model_response,m3|model_response,m1|total_cost,m2|total_cost,m3|total_cost,oracle_model_to_route_to";
    private readonly string _directory = Directory.CreateTempSubdirectory("replay-test-").FullName;

    internal static string Row(int index, string id, string correctness, string responses, string costs = "0.001,0.002,0.010") =>
        $"{index},{id},\"['Question {id}, with a comma and \"\"quotes\"\"\nA) one\nB) two\nC) three\nD) four\nAnswer:']\",arc-challenge,{correctness},{responses},{costs},m1";

    internal static string HandMadeCsv() => string.Join('\n',
        Header,
        Row(0, "q1", "0.0,1.0,1.0", "['A'],['B'],['B)\\n']"),
        Row(1, "q2", "1.0,1.0,1.0", "['C'],['C\\n'],['C']"),
        Row(2, "q3", "0.0,0.0,1.0", "['A'],['B'],['D']"),
        Row(3, "q4", "0.0,0.0,0.0", "['A'],['A'],['B']"),
        Row(4, "q5", ",1.0,0.0", "['B'],['A'],['C']"),
        Row(5, "q6", "1.0,0.0,1.0", "['D'],['I do not know'],['D']")) + "\n";

    private ReplayWorkload Load(string text, bool skipBadRows = false)
    {
        var path = Path.Combine(_directory, "bench.csv");
        File.WriteAllText(path, text, Encoding.UTF8);
        return ReplayDataLoader.Load(path, "auto", new ReplayReadOptions(SkipBadRows: skipBadRows));
    }

    [Fact]
    public void Reads_the_hand_made_file()
    {
        var workload = Load(HandMadeCsv());
        Assert.Equal("routerbench", workload.Format);
        Assert.Equal(["m1", "m2", "m3"], workload.Agents.Select(agent => agent.Name));
        Assert.Equal(6, workload.Items.Count);
        Assert.Equal(1, workload.Load.EmptyCells["m1"]);
        Assert.Equal(0, workload.Load.EmptyCells["m2"]);
        Assert.Equal(6, workload.Load.MultipleChoiceQueries);
        Assert.Equal(1, workload.Load.GoldUnknown); // q4: nobody was right
        var q1 = workload.Items[0];
        Assert.StartsWith("Question q1, with a comma and \"quotes\"\nA) one", q1.Query.Text, StringComparison.Ordinal);
        Assert.Equal(["A", "B", "C", "D"], q1.Query.Options);
        Assert.Equal("B", q1.GoldChoice);
        Assert.Equal("B)\n", q1.AnswerOf(2)!.Value.Response);
        Assert.Equal(["m2", "m3"], workload.Items[4].Candidates.Select(c => c.Name));
        Assert.Null(workload.Items[5].AnswerOf(1)!.Value.Choice);
    }

    [Fact]
    public void Baselines_and_a_fixed_policy_score_exactly()
    {
        var workload = Load(HandMadeCsv());
        var engine = new ReplayEngine(workload, new ReplaySettings(Seed: 7));

        var oracle = engine.Run(ReplayBaselines.Oracle);
        Assert.Equal(5.0 / 6, oracle.Accuracy, 12);
        Assert.Equal(0.017, oracle.TotalCost, 12);
        Assert.Equal([3, 2, 1], oracle.Traffic);
        Assert.Equal(0, oracle.CumulativeRegret, 12);

        Assert.Equal(["m3", "m2", "m1"], ReplayBaselines.BestSingleRanking(workload));
        var best = engine.Run(ReplayBaselines.BestSingle);
        Assert.Equal(4.0 / 6, best.Accuracy, 12);
        Assert.Equal(0.060, best.TotalCost, 12);
        Assert.Equal([0, 0, 6], best.Traffic);

        var first = engine.Run(new FirstCandidatesPolicy());
        Assert.Equal(3.0 / 6, first.Accuracy, 12);
        Assert.Equal(0.007, first.TotalCost, 12);
        Assert.Equal([5, 1, 0], first.Traffic);
        Assert.Equal(2, first.CumulativeRegret, 12);
    }

    [Fact]
    public void A_panel_of_three_is_scored_by_the_merged_answer_against_the_inferred_gold()
    {
        var workload = Load(HandMadeCsv());
        var engine = new ReplayEngine(workload, new ReplaySettings(PanelSize: 3, Merge: "majority"));
        var run = engine.Run(new FirstCandidatesPolicy());
        // q1 B✓ q2 C✓ q3 A/B/D tie → A (best-ranked) ✗ q4 A, gold unknown → m1's record ✗ q5 A/C tie → A✓ q6 D✓
        Assert.Equal(4.0 / 6, run.Accuracy, 12);
        Assert.Equal(0.077, run.TotalCost, 12);
        Assert.Equal([5, 6, 6], run.Traffic);
        Assert.Equal(1, run.GoldFallbacks);
        Assert.Equal(0, run.Abstained);
    }

    [Fact]
    public void Comparison_reports_costs_relative_to_the_best_single_agent()
    {
        var workload = Load(HandMadeCsv());
        var report = ReplayComparison.Run(workload, new ReplaySettings(), ["random", "oracle", "best-single"], [0, 1]);
        Assert.Equal("m3", report.BestSingleAgent);
        var oracle = report.Policies.Single(p => p.Policy == "oracle");
        Assert.Equal(0.017 / 0.060, oracle.CostVsBestSingle, 12);
        Assert.Equal(0.5, oracle.TrafficShare["m1"], 12);
        Assert.Null(oracle.Aiq);
        var random = report.Policies.Single(p => p.Policy == "random");
        Assert.Equal(2, random.AiqPoints.Count);
        // random ignores the cost weight: one point, extended flat to the report's c_max (the dearest model, from the
        // zero router's points) and divided by it, as RouterBench's AIQ.py does.
        var zero = report.Policies.Single(p => p.Policy == "zero");
        var cMax = zero.AiqPoints.Max(p => p.Cost);
        Assert.Equal(random.Accuracy * (cMax - random.MeanCost) / cMax, random.Aiq!.Value, 12);
        Assert.NotNull(zero.Aiq);
        Assert.True(oracle.Accuracy >= random.Accuracy);

        var written = ReplayReportWriter.Write(report, Path.Combine(_directory, "out"));
        Assert.Equal(3, written.Count);
        var csv = File.ReadAllLines(written[1]);
        Assert.Equal(5, csv.Length);
        Assert.Contains("traffic:m1", csv[0], StringComparison.Ordinal);
        Assert.Contains("| m1 | 1 |", File.ReadAllText(written[2]), StringComparison.Ordinal);
    }

    [Fact]
    public void Preset_files_run_under_their_file_name_with_their_parameters()
    {
        var workload = Load(HandMadeCsv());
        var preset = Path.Combine(_directory, "greedy-ema.json");
        File.WriteAllText(preset, """{ "policy": "ema", "seed": 9, "costWeight": 0.3, "parameters": { "alpha": 0.05 } }""");
        var report = ReplayComparison.Run(workload, new ReplaySettings(), [preset, "oracle"], [0, 1]);
        var summary = report.Policies[0];
        Assert.Equal("greedy-ema", summary.Policy);
        Assert.Equal("online", summary.Kind);
        Assert.Equal(2, summary.AiqPoints.Count);

        File.WriteAllText(preset, """{ "policy": "ema", "parameters": { "alhpa": 0.05 } }""");
        Assert.ThrowsAny<Exception>(() => ReplayComparison.Run(workload, new ReplaySettings(), [preset], [0]));
    }

    [Fact]
    public void Delayed_feedback_reaches_the_policy_that_many_queries_later()
    {
        var workload = Load(HandMadeCsv());
        var engine = new ReplayEngine(workload, new ReplaySettings(FeedbackDelay: 2));
        var policy = new FirstCandidatesPolicy();
        engine.Run(policy);
        var order = engine.Order.Select(i => workload.Items[i].Query.Id).ToArray();
        var firstObserve = policy.Calls.FindIndex(call => call.StartsWith("observe", StringComparison.Ordinal));
        Assert.Equal([$"select {order[0]}", $"select {order[1]}"], policy.Calls.Take(firstObserve));
        Assert.StartsWith($"observe {order[0]} ", policy.Calls[firstObserve], StringComparison.Ordinal);
        Assert.Equal($"select {order[2]}", policy.Calls[firstObserve + 1]);
        Assert.Equal(4, policy.Calls.Count(call => call.StartsWith("observe", StringComparison.Ordinal))); // the last two never arrive

        var immediate = new FirstCandidatesPolicy();
        new ReplayEngine(workload, new ReplaySettings()).Run(immediate);
        Assert.StartsWith($"observe {order[0]} ", immediate.Calls[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Warm_up_data_is_learned_from_first_and_not_scored()
    {
        var workload = Load(HandMadeCsv());
        var engine = new ReplayEngine(workload, new ReplaySettings(), warmup: workload);
        var policy = new FirstCandidatesPolicy();
        var run = engine.Run(policy);
        Assert.Equal(6, run.Queries);
        Assert.Equal(3.0 / 6, run.Accuracy, 12);
        Assert.Equal(24, policy.Calls.Count); // 6 warm-up and 6 scored queries, each a select and an observe
        Assert.Equal(0, engine.Run(ReplayBaselines.Oracle).CumulativeRegret, 12);
    }

    [Fact]
    public void Every_policy_sees_the_same_seeded_order()
    {
        var workload = Load(HandMadeCsv());
        Assert.Equal(new ReplayEngine(workload, new ReplaySettings(Seed: 3)).Order, new ReplayEngine(workload, new ReplaySettings(Seed: 3)).Order);
        Assert.Equal(Enumerable.Range(0, 6), new ReplayEngine(workload, new ReplaySettings(Seed: 3)).Order.Order());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
