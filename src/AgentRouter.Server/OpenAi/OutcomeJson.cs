using AgentRouter.Core.Backends;
using System.Text.Json.Nodes;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Server.OpenAi;

/// <summary>The <c>agentrouter</c> extension object of a response: query id, panel, decision scores, each
/// agent's analysis and the merge outcome.</summary>
public static class OutcomeJson
{
    public static JsonObject Decision(RoutingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new JsonObject
        {
            ["policy"] = decision.Policy,
            ["panel"] = new JsonArray([.. decision.Panel.Select(p => (JsonNode)p)]),
            ["rule"] = decision.Rule,
            ["scores"] = new JsonArray([.. decision.Scores.Select(s => (JsonNode)new JsonObject
            {
                ["agent"] = s.Agent, ["score"] = Finite(s.Score), ["exploit"] = Finite(s.Exploit), ["explore"] = Finite(s.Explore),
            })]),
        };
    }

    public static JsonObject Analysis(AgentAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var json = new JsonObject
        {
            ["agent"] = analysis.Agent,
            ["status"] = analysis.Status switch { OutcomeStatus.Succeeded => "succeeded", OutcomeStatus.Failed => "failed", _ => "timed_out" },
            ["text"] = analysis.Text,
            ["choice"] = analysis.Choice,
            ["confidence"] = analysis.Confidence,
            ["latency_ms"] = analysis.LatencyMs,
            ["cost"] = analysis.Cost,
        };
        if (analysis.KvReuse is { } reuse)
        {
            json["kv_reuse"] = new JsonObject
            {
                ["prompt_tokens"] = reuse.PromptTokens,
                ["reused_tokens"] = reuse.ReusedTokens,
                ["mode"] = reuse.ModeName,
            };
        }
        return json;
    }

    public static JsonObject Answered(QueryAnswered answered)
    {
        ArgumentNullException.ThrowIfNull(answered);
        var answer = answered.Answer;
        return new JsonObject
        {
            ["query_id"] = answered.QueryId,
            ["router"] = answered.Router,
            ["panel"] = new JsonArray([.. answered.Decision.Panel.Select(p => (JsonNode)p)]),
            ["decision"] = Decision(answered.Decision),
            ["analyses"] = new JsonArray([.. answered.Analyses.Select(a => (JsonNode)Analysis(a))]),
            ["merge"] = new JsonObject
            {
                ["strategy"] = answer.Strategy,
                ["choice"] = answer.Choice,
                ["text"] = answer.Text,
                ["selected_agent"] = answer.SelectedAgent,
                ["votes"] = new JsonObject(answer.Votes.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
                ["rationale"] = answer.Rationale,
                ["fell_back"] = answered.MergeFellBack,
            },
            ["retries"] = answered.Retries,
            ["cost"] = answered.Analyses.Sum(a => a.Cost),
        };
    }

    /// <summary>JSON has no infinities; an unexplored arm's +∞ UCB score is reported as null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
