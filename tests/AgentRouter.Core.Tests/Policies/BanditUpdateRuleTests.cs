using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Policies;

namespace AgentRouter.Core.Tests.Policies;

public class BanditUpdateRuleTests
{
    private static readonly Candidate[] TwoArms = [new(AgentProfile.Simple("a")), new(AgentProfile.Simple("b"))];
    private static readonly Query Query = new("q", "x", Features: [1f]);

    [Fact]
    public void Ucb1_scores_mean_plus_c_times_the_square_root_bonus_and_tries_untried_arms_first()
    {
        var policy = new Ucb1Policy(new PolicySettings(1, null, new JsonObject { ["c"] = 0.5 }));
        policy.Observe(Query, new AgentOutcome("a", 1, 100, 0));
        var first = policy.Select(Query, TwoArms, 2);
        Assert.Equal(["b", "a"], first.Panel);
        Assert.Equal(BanditPolicyBase.UntriedIndex, first.Scores[1].Score);

        policy.Observe(Query, new AgentOutcome("a", 0, 100, 0));
        policy.Observe(Query, new AgentOutcome("b", 1, 100, 0));
        var scores = policy.Select(Query, TwoArms, 1).Scores;
        // n = 3 observations; a: mean 0.5 over 2 pulls, b: mean 1 over 1 pull.
        Assert.Equal(0.5, scores[0].Exploit, 12);
        Assert.Equal(0.5 * Math.Sqrt(2 * Math.Log(3) / 2), scores[0].Explore, 12);
        Assert.Equal(1 + 0.5 * Math.Sqrt(2 * Math.Log(3) / 1), scores[1].Score, 12);
    }

    [Fact]
    public void Bandit_rewards_subtract_weighted_normalised_cost_and_latency()
    {
        var weights = new RewardWeights(CostWeight: 0.5, LatencyWeightPerMs: 0.0001);
        Assert.Equal(1 - 0.5 * 0.02 / 0.01 - 0.0001 * 2000, weights.Reward(new AgentOutcome("a", 1, 2000, 0.02), 0.01), 12);
        Assert.Equal(-0.5 - 0.1, weights.Reward(new AgentOutcome("a", 1, 1000, 0.01, OutcomeStatus.Failed), 0.01), 12);
    }

    [Fact]
    public void Epsilon_decays_geometrically_down_to_its_floor()
    {
        var policy = new EpsilonGreedyPolicy(new PolicySettings(1, null,
            new JsonObject { ["epsilon0"] = 0.2, ["decay"] = 0.99, ["epsilonMin"] = 0.05 }));
        Assert.Equal(0.2, policy.CurrentEpsilon, 12);
        Assert.Equal(0.2 * Math.Pow(0.99, 10), policy.EpsilonAt(10), 12);
        Assert.Equal(0.05, policy.EpsilonAt(1000));
        for (var i = 0; i < 10; i++)
        {
            policy.Select(Query, TwoArms, 1);
        }

        Assert.Equal(0.2 * Math.Pow(0.99, 10), policy.CurrentEpsilon, 12);
    }

    [Fact]
    public void Thompson_uses_beta_posteriors_on_quality_and_gaussian_ones_once_cost_counts()
    {
        var bernoulli = new ThompsonPolicy(new PolicySettings());
        Assert.True(bernoulli.IsBetaBernoulli);
        bernoulli.Observe(Query, new AgentOutcome("a", 1, 100, 0));
        bernoulli.Observe(Query, new AgentOutcome("a", 0, 100, 0));
        bernoulli.Observe(Query, new AgentOutcome("a", 1, 100, 0));
        bernoulli.Observe(Query, new AgentOutcome("b", 1, 100, 0));
        var scores = bernoulli.Select(Query, TwoArms, 1).Scores;
        Assert.Equal(3.0 / 5, scores[0].Exploit, 12);          // Beta(1 + 2, 1 + 1)
        Assert.InRange(scores[0].Score, 0, 1);                   // a Beta sample

        var gaussian = new ThompsonPolicy(new PolicySettings(1, CostWeight: 1));
        Assert.False(gaussian.IsBetaBernoulli);
        gaussian.Observe(Query, new AgentOutcome("a", 1, 100, 0));
        gaussian.Observe(Query, new AgentOutcome("a", 1, 100, 0));
        // Prior N(0, 1), noise variance 0.25: posterior mean = (2/0.25) / (1 + 2/0.25) = 8/9.
        Assert.Equal(8.0 / 9, gaussian.Select(Query, TwoArms, 1).Scores[0].Exploit, 12);
    }

    [Fact]
    public void LinUcb_sherman_morrison_inverse_matches_a_direct_inverse()
    {
        const int d = 6;
        const double ridge = 0.5;
        var policy = new LinUcbPolicy(new PolicySettings(1, null, new JsonObject { ["ridge"] = ridge }));
        var random = new Random(5);
        var a = new double[d, d];
        for (var i = 0; i < d; i++)
        {
            a[i, i] = ridge;
        }

        for (var update = 0; update < 40; update++)
        {
            var x = new float[d];
            for (var i = 0; i < d; i++)
            {
                x[i] = (float)(random.NextDouble() * 2 - 1);
            }

            policy.Observe(new Query($"q{update}", "x", Features: x), new AgentOutcome("arm", random.NextDouble(), 100, 0));
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    a[i, j] += (double)x[i] * x[j];
                }
            }
        }

        var direct = Invert(a);
        var incremental = policy.InverseOf("arm");
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                Assert.Equal(direct[i, j], incremental[i * d + j], 1e-9);
            }
        }
    }

    [Fact]
    public void LinUcb_index_is_theta_x_plus_alpha_times_the_confidence_width_minus_the_resident_penalty()
    {
        var policy = new LinUcbPolicy(new PolicySettings(1, null, new JsonObject { ["alpha"] = 2, ["residentPenalty"] = 0.25 }));
        var query = new Query("q", "x", Features: [1f, 0f]);
        policy.Observe(query, new AgentOutcome("a", 1, 100, 0));
        var candidates = new[] { new Candidate(AgentProfile.Simple("a")), new Candidate(AgentProfile.Simple("b"), Resident: false) };
        var scores = policy.Select(query, candidates, 1).Scores;
        // a: A = [[2,0],[0,1]], b = (1, 0): θᵀx = 0.5, xᵀA⁻¹x = 0.5.
        Assert.Equal(0.5, scores[0].Exploit, 12);
        // The confidence width is computed in single precision (see LinUcbArm).
        Assert.Equal(0.5 + 2 * Math.Sqrt(0.5), scores[0].Score, 6);
        // b: untouched prior, θ = 0, xᵀA⁻¹x = 1, and not resident.
        Assert.Equal(2 - 0.25, scores[1].Score, 6);
    }

    [Fact]
    public void LinUcb_rejects_queries_whose_feature_dimension_changed()
    {
        var policy = new LinUcbPolicy(new PolicySettings());
        policy.Select(new Query("q1", "x", Features: [1f, 2f]), TwoArms, 1);
        var error = Assert.Throws<ArgumentException>(() => policy.Select(new Query("q2", "x", Features: [1f]), TwoArms, 1));
        Assert.Contains("dimension 2", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => policy.Select(new Query("q3", "x"), TwoArms, 1));
    }

    private static double[,] Invert(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var work = new double[n, 2 * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                work[i, j] = matrix[i, j];
            }

            work[i, n + i] = 1;
        }

        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
            {
                if (Math.Abs(work[r, col]) > Math.Abs(work[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (var j = 0; j < 2 * n; j++)
            {
                (work[col, j], work[pivot, j]) = (work[pivot, j], work[col, j]);
            }

            var scale = work[col, col];
            for (var j = 0; j < 2 * n; j++)
            {
                work[col, j] /= scale;
            }

            for (var r = 0; r < n; r++)
            {
                if (r != col)
                {
                    var factor = work[r, col];
                    for (var j = 0; j < 2 * n; j++)
                    {
                        work[r, j] -= factor * work[col, j];
                    }
                }
            }
        }

        var inverse = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                inverse[i, j] = work[i, n + j];
            }
        }

        return inverse;
    }
}
