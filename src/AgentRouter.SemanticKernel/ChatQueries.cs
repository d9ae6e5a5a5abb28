using System.Text;
using AgentRouter.Core.Domain;
using Microsoft.Extensions.AI;

namespace AgentRouter.SemanticKernel;

/// <summary>Turns a chat conversation into the one <see cref="Query"/> a router routes, and estimates token
/// counts where no tokenizer is involved (simulated and replay agents report none).</summary>
public static class ChatQueries
{
    /// <summary>A lone user message becomes the query text as is; a longer conversation is flattened to
    /// "role: text" lines so that every panel member sees the same context.</summary>
    public static string Flatten(IReadOnlyList<(string Role, string Text)> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 1 && messages[0].Role == "user")
        {
            return messages[0].Text;
        }

        var text = new StringBuilder();
        foreach (var (role, content) in messages)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(role).Append(": ").Append(content);
        }

        return text.ToString();
    }

    public static Query FromChat(string queryId, IEnumerable<ChatMessage> messages, string? taskType = null, IReadOnlyList<string>? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var pairs = messages.Select(m => (m.Role.Value, m.Text)).ToList();
        if (pairs.Count == 0)
        {
            throw new ArgumentException("a chat request needs at least one message", nameof(messages));
        }

        var text = Flatten(pairs);
        return new Query(queryId, text, taskType, null, options ?? AgentRouter.Core.Merging.OptionLetters.FromPrompt(text));
    }

    /// <summary>About four characters per token, the usual rule of thumb for English BPE vocabularies;
    /// used for usage figures and costs when a backend reports no token counts.</summary>
    public static int EstimateTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;

    public static string NewQueryId() => "q-" + Guid.NewGuid().ToString("N");
}
