using System.Globalization;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Policies;
using BenchmarkDotNet.Attributes;

namespace AgentRouter.Benchmarks;

/// <summary>Cost of one routing decision (Select alone, panel of 1) with 16 candidate agents. Each policy is
/// first trained on 4,000 decisions with Bernoulli feedback so that its state is realistic (every arm
/// observed, LinUCB's A⁻¹ dense, pheromone off τ0); queries carry 64-dimensional hashed n-gram features and
/// one of 8 task types, as they would in a replay.</summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(PolicyBenchmarkConfig))]
public class PolicyDecisionBenchmarks
{
    private const int Agents = 16;
    private const int QueryCount = 256;
    private const int TaskTypes = 8;
    private static readonly string[] Topics =
    [
        "integral of a polynomial", "python function that sorts", "bedtime story about dragons", "capital of a country",
        "sql query joining tables", "proof by induction", "translate into french", "summarise this article",
    ];

    private IRoutingPolicy _policy = null!;
    private Candidate[] _candidates = [];
    private Query[] _queries = [];
    private int _next;
    private readonly DecisionBuffer _decision = new();

    [Params("ema", "ema-lex", "pheromone", "ucb1", "thompson", "epsilon", "linucb", "round-robin", "least-loaded")]
    public string Policy { get; set; } = "ema";

    [GlobalSetup]
    public void Setup()
    {
        var featurizer = new HashedNGramFeaturizer(64);
        _candidates = new Candidate[Agents];
        for (var a = 0; a < Agents; a++)
        {
            var profile = new AgentProfile($"agent-{a:00}", ["llm"], new CostModel(PerCall: 0.001 * (a + 1)), 500 + 50 * a);
            _candidates[a] = new Candidate(profile, Load: (a % 5) / 5.0);
        }

        _queries = new Query[QueryCount];
        for (var i = 0; i < QueryCount; i++)
        {
            var task = i % TaskTypes;
            var text = string.Create(CultureInfo.InvariantCulture, $"please help with a {Topics[task]} number {i} for my homework");
            _queries[i] = new Query($"q{i}", text, $"task-{task}", featurizer.Featurize(text));
        }

        _policy = PolicyCatalog.Create(Policy, new PolicySettings(Seed: 1));
        var environment = new Random(7);
        for (var step = 0; step < 4000; step++)
        {
            var query = _queries[step % QueryCount];
            var task = step % TaskTypes;
            foreach (var agent in _policy.Select(query, _candidates, 1).Panel)
            {
                var index = int.Parse(agent.AsSpan(6), CultureInfo.InvariantCulture);
                var p = index % TaskTypes == task ? 0.85 : 0.4;
                var quality = environment.NextDouble() < p ? 1 : 0;
                _policy.Observe(query, new AgentOutcome(agent, quality, 500 + 50 * index, 0.001 * (index + 1)));
            }
        }
    }

    /// <summary>The decision as an immutable record (what a message or log keeps).</summary>
    [Benchmark]
    public RoutingDecision Select()
    {
        var query = _queries[_next];
        _next = (_next + 1) % QueryCount;
        return _policy.Select(query, _candidates, 1);
    }

    /// <summary>The same decision into a reused buffer: the router's hot path (zero bytes for context-free policies).</summary>
    [Benchmark]
    public int SelectInto()
    {
        var query = _queries[_next];
        _next = (_next + 1) % QueryCount;
        _policy.SelectInto(query, _candidates, 1, _decision);
        return _decision.Panel[0];
    }
}
