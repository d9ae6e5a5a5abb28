using System.Text.Json;
using AgentRouter.Actors.Protocol;
using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;
using AgentRouter.SemanticKernel;

namespace AgentRouter.Server.OpenAi;

/// <summary>Writes a chat completion (<c>object: chat.completion</c>) and its <c>agentrouter</c> extension straight from the
/// router's records with a <see cref="Utf8JsonWriter"/>: no DOM, no intermediate string. The bytes are exactly those of the
/// <see cref="OutcomeJson"/> tree serialised with default options (same property order, nulls written, non-finite scores as
/// null, the default encoder's escaping); <c>CompletionWriterTests</c> compares the two. Source-generated serialisation would
/// first copy each record into a mirror type; writing from the records is what its fast path does, minus the copies.</summary>
public static class CompletionWriter
{
    /// <summary>The usage figures of a completion: the panel's own token counts, or estimates from characters.</summary>
    public readonly record struct Usage(int PromptTokens, int CompletionTokens)
    {
        public int TotalTokens => PromptTokens + CompletionTokens;
    }

    public static void WriteCompletion(Utf8JsonWriter writer, string id, long created, string model, QueryAnswered answered, Usage usage)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(answered);
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, model);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("content"u8, answered.Answer.Text);
        writer.WriteEndObject();
        writer.WriteString("finish_reason"u8, "stop"u8);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WritePropertyName("usage"u8);
        WriteUsage(writer, usage);
        writer.WritePropertyName("agentrouter"u8);
        WriteAnswered(writer, answered);
        writer.WriteEndObject();
    }

    public static void WriteUsage(Utf8JsonWriter writer, Usage usage)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("prompt_tokens"u8, usage.PromptTokens);
        writer.WriteNumber("completion_tokens"u8, usage.CompletionTokens);
        writer.WriteNumber("total_tokens"u8, usage.TotalTokens);
        writer.WriteEndObject();
    }

    /// <summary>The <c>agentrouter</c> object of an answered query (<see cref="OutcomeJson.Answered"/>).</summary>
    public static void WriteAnswered(Utf8JsonWriter writer, QueryAnswered answered)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(answered);
        var answer = answered.Answer;
        writer.WriteStartObject();
        writer.WriteString("query_id"u8, answered.QueryId);
        writer.WriteString("router"u8, answered.Router);
        writer.WritePropertyName("panel"u8);
        WriteStrings(writer, answered.Decision.Panel);
        writer.WritePropertyName("decision"u8);
        WriteDecision(writer, answered.Decision);
        writer.WriteStartArray("analyses"u8);
        var cost = 0.0;
        var analyses = answered.Analyses;
        for (var i = 0; i < analyses.Count; i++)
        {
            WriteAnalysis(writer, analyses[i]);
            cost += analyses[i].Cost;
        }

        writer.WriteEndArray();
        writer.WriteStartObject("merge"u8);
        writer.WriteString("strategy"u8, answer.Strategy);
        writer.WriteString("choice"u8, answer.Choice);
        writer.WriteString("text"u8, answer.Text);
        writer.WriteString("selected_agent"u8, answer.SelectedAgent);
        writer.WriteStartObject("votes"u8);
        if (answer.Votes is Dictionary<string, double> votes)
        {
            // The concrete type's struct enumerator: no boxed enumerator per response.
            foreach (var (option, count) in votes)
            {
                writer.WriteNumber(option, count);
            }
        }
        else
        {
            foreach (var (option, count) in answer.Votes)
            {
                writer.WriteNumber(option, count);
            }
        }

        writer.WriteEndObject();
        writer.WriteString("rationale"u8, answer.Rationale);
        writer.WriteBoolean("fell_back"u8, answered.MergeFellBack);
        writer.WriteEndObject();
        writer.WriteNumber("retries"u8, answered.Retries);
        writer.WriteNumber("cost"u8, cost);
        writer.WriteEndObject();
    }

    /// <summary>A routing decision (<see cref="OutcomeJson.Decision"/>).</summary>
    public static void WriteDecision(Utf8JsonWriter writer, RoutingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(decision);
        writer.WriteStartObject();
        writer.WriteString("policy"u8, decision.Policy);
        writer.WritePropertyName("panel"u8);
        WriteStrings(writer, decision.Panel);
        writer.WriteString("rule"u8, decision.Rule);
        writer.WriteStartArray("scores"u8);
        var scores = decision.Scores;
        for (var i = 0; i < scores.Count; i++)
        {
            var score = scores[i];
            writer.WriteStartObject();
            writer.WriteString("agent"u8, score.Agent);
            WriteFinite(writer, "score"u8, score.Score);
            WriteFinite(writer, "exploit"u8, score.Exploit);
            WriteFinite(writer, "explore"u8, score.Explore);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>One panel member's analysis (<see cref="OutcomeJson.Analysis"/>).</summary>
    public static void WriteAnalysis(Utf8JsonWriter writer, AgentAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(analysis);
        writer.WriteStartObject();
        writer.WriteString("agent"u8, analysis.Agent);
        writer.WriteString("status"u8, analysis.Status switch { OutcomeStatus.Succeeded => "succeeded"u8, OutcomeStatus.Failed => "failed"u8, _ => "timed_out"u8 });
        writer.WriteString("text"u8, analysis.Text);
        writer.WriteString("choice"u8, analysis.Choice);
        if (analysis.Confidence is { } confidence)
        {
            writer.WriteNumber("confidence"u8, confidence);
        }
        else
        {
            writer.WriteNull("confidence"u8);
        }

        writer.WriteNumber("latency_ms"u8, analysis.LatencyMs);
        writer.WriteNumber("cost"u8, analysis.Cost);
        if (analysis.KvReuse is { } reuse)
        {
            writer.WriteStartObject("kv_reuse"u8);
            writer.WriteNumber("prompt_tokens"u8, reuse.PromptTokens);
            writer.WriteNumber("reused_tokens"u8, reuse.ReusedTokens);
            writer.WriteString("mode"u8, reuse.ModeName);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>The tokens the agents counted with their own tokenizers, summed over the panel (what was read and
    /// generated to produce the answer); estimated from characters when no agent reports usage.</summary>
    public static Usage UsageOf(string prompt, QueryAnswered answered)
    {
        ArgumentNullException.ThrowIfNull(answered);
        var counted = false;
        int input = 0, output = 0;
        var analyses = answered.Analyses;
        for (var i = 0; i < analyses.Count; i++)
        {
            if (analyses[i].Usage is { } usage)
            {
                counted = true;
                input = checked(input + usage.PromptTokens);
                output = checked(output + usage.CompletionTokens);
            }
        }

        return counted
            ? new Usage(input, output)
            : new Usage(ChatQueries.EstimateTokens(prompt), ChatQueries.EstimateTokens(answered.Answer.Text));
    }

    private static void WriteStrings(Utf8JsonWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteStartArray();
        for (var i = 0; i < values.Count; i++)
        {
            writer.WriteStringValue(values[i]);
        }

        writer.WriteEndArray();
    }

    /// <summary>JSON has no infinities; an unexplored arm's +∞ UCB score is reported as null.</summary>
    private static void WriteFinite(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
