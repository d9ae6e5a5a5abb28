using AgentRouter.Core.Domain;
using AgentRouter.Core.Featurization;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

/// <summary>A small multi-task routing problem with Bernoulli correctness: agent a answers task type t
/// correctly with probability SuccessProbability[t][a]. Outcomes are a pure function of (step, agent), so two
/// policies that choose alike see identical feedback.</summary>
internal sealed class SyntheticProblem
{
    private static readonly HashedNGramFeaturizer Featurizer = new();
    private static readonly string[][] Templates =
    [
        ["solve the equation {0} x plus 7 equals 20", "compute the integral of x to the power {0}", "what is {0} times 13 divided by 4"],
        ["write a python function that sorts {0} integers", "fix the null pointer bug in this java class {0}", "implement a binary search over {0} sorted keys"],
        ["tell me a bedtime story about {0} friendly dragons", "suggest a weekend trip for {0} friends", "write a short poem about {0} autumn leaves"],
    ];

    public SyntheticProblem(string[] taskTypes, double[][] successProbability, double[]? costs = null)
    {
        TaskTypes = taskTypes;
        SuccessProbability = successProbability;
        var agents = successProbability[0].Length;
        Candidates = new Candidate[agents];
        for (var a = 0; a < agents; a++)
        {
            var cost = costs?[a] ?? 0;
            Candidates[a] = new Candidate(AgentProfile.Simple($"agent-{a}", cost, 800 + 100 * a));
        }
    }

    public static SyntheticProblem ThreeTasks() => new(
        ["math", "code", "chat"],
        [
            [0.9, 0.3, 0.3, 0.5],
            [0.3, 0.9, 0.3, 0.5],
            [0.3, 0.3, 0.9, 0.5],
        ]);

    public string[] TaskTypes { get; }

    public double[][] SuccessProbability { get; }

    public Candidate[] Candidates { get; }

    public int TaskOf(int step) => (int)(Uniform(step, 1_000_003) * TaskTypes.Length);

    public Query QueryAt(int step, bool withTaskType = true)
    {
        var task = TaskOf(step);
        var templates = Templates[task % Templates.Length];
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture,
            templates[step % templates.Length], step % 97);
        return new Query($"q{step}", text, withTaskType ? TaskTypes[task] : null, Featurizer.Featurize(text));
    }

    public AgentOutcome OutcomeAt(int step, string agent)
    {
        var a = AgentIndex(agent);
        var task = TaskOf(step);
        var correct = Uniform(step, a) < SuccessProbability[task][a];
        return new AgentOutcome(agent, correct ? 1 : 0, Candidates[a].Profile.TypicalLatencyMs, Candidates[a].Profile.Cost.PerCall);
    }

    public int AgentIndex(string agent) => int.Parse(agent.AsSpan("agent-".Length), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="steps"/> decisions from <paramref name="firstStep"/>, feeding back every
    /// panel member's outcome, and returns the decisions.</summary>
    public List<RoutingDecision> Run(IRoutingPolicy policy, int firstStep, int steps, int panelSize = 1, bool withTaskType = true)
    {
        var decisions = new List<RoutingDecision>(steps);
        for (var step = firstStep; step < firstStep + steps; step++)
        {
            var query = QueryAt(step, withTaskType);
            var decision = policy.Select(query, Candidates, panelSize);
            decisions.Add(decision);
            foreach (var agent in decision.Panel)
            {
                policy.Observe(query, OutcomeAt(step, agent));
            }
        }

        return decisions;
    }

    /// <summary>A uniform number in [0, 1) that depends only on its arguments (SplitMix64 finaliser).</summary>
    public static double Uniform(int step, int salt)
    {
        var z = unchecked((ulong)step * 0x9E3779B97F4A7C15UL + (ulong)salt * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    public static IRoutingPolicy Create(string name, int seed = 1, System.Text.Json.Nodes.JsonObject? parameters = null, double? costWeight = null) =>
        PolicyCatalog.Create(name, new PolicySettings(seed, costWeight, parameters));
}
