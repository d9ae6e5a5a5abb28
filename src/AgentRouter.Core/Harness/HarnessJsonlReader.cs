using System.Text;
using System.Text.Json;
using AgentRouter.Core.Replay;
using AgentRouter.Core.Json;

namespace AgentRouter.Core.Harness;

/// <summary>Reads the harness's own JSONL format, one JSON object per line (blank lines and lines starting
/// with <c>//</c> are skipped):
/// <c>{"id": "q1", "prompt": "…" | "messages": [{"role": "user", "content": "…"}], "choices": ["…", …]?,
/// "answer": "…" | number, "task": "…"?, "scoring": "choice" | "number" | "exact"?}</c>.
/// With <c>choices</c> the item is multiple-choice: options are lettered A, B, … and appended to the prompt
/// as "A) …" lines, and <c>answer</c> is a letter or the text of the right choice. Without <c>scoring</c>, a
/// prompt that lists options with a one-letter answer is multiple-choice, a numeric answer (or
/// "… #### 72") is numeric, anything else is normalised exact match; no answer means unscored.</summary>
public static class HarnessJsonlReader
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "id", "prompt", "messages", "choices", "answer", "task", "scoring" };

    public static List<HarnessItem> Read(string path)
    {
        var items = new List<HarnessItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(RouterBenchReader.OpenFile(path), Encoding.UTF8);
        var lineNumber = 0L;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = CheckedJson.Parse(trimmed);
            }
            catch (JsonException error)
            {
                throw new ReplayDataException(path, lineNumber, null, $"not a JSON object: {error.Message}", error);
            }

            using (document)
            {
                var item = ParseItem(document.RootElement, path, lineNumber);
                if (!ids.Add(item.Id))
                {
                    throw new ReplayDataException(path, lineNumber, "id", $"'{item.Id}' appears twice (ids key the outcomes and resumption)");
                }

                items.Add(item);
            }
        }

        if (items.Count == 0)
        {
            throw new ReplayDataException(path, 0, null, "the file has no items");
        }

        return items;
    }

    private static HarnessItem ParseItem(JsonElement item, string file, long line)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ReplayDataException(file, line, null, "the line is not a JSON object");
        }

        foreach (var property in item.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
            {
                throw new ReplayDataException(file, line, property.Name, $"unknown field (known: {string.Join(", ", Known)})");
            }
        }

        var id = item.TryGetProperty("id", out var idElement) ? idElement.ValueKind switch
        {
            JsonValueKind.String when idElement.GetString()!.Trim().Length > 0 => idElement.GetString()!.Trim(),
            JsonValueKind.Number => idElement.GetRawText(),
            _ => throw new ReplayDataException(file, line, "id", "must be a non-empty string or a number"),
        } : throw new ReplayDataException(file, line, "id", "is required");

        var hasPrompt = item.TryGetProperty("prompt", out var promptElement);
        var hasMessages = item.TryGetProperty("messages", out var messagesElement);
        if (hasPrompt == hasMessages)
        {
            throw new ReplayDataException(file, line, "prompt", "give exactly one of 'prompt' and 'messages'");
        }

        List<HarnessMessage>? messages = null;
        string prompt;
        if (hasPrompt)
        {
            prompt = promptElement.ValueKind == JsonValueKind.String && promptElement.GetString()!.Length > 0
                ? promptElement.GetString()!
                : throw new ReplayDataException(file, line, "prompt", "must be a non-empty string");
        }
        else
        {
            messages = ParseMessages(messagesElement, file, line);
            prompt = messages is [{ Role: "user" } only] ? only.Content : string.Join('\n', messages.Select(m => $"{m.Role}: {m.Content}"));
        }

        var task = item.TryGetProperty("task", out var taskElement) && taskElement.ValueKind != JsonValueKind.Null
            ? taskElement.ValueKind == JsonValueKind.String ? taskElement.GetString() : throw new ReplayDataException(file, line, "task", "must be a string")
            : null;
        string? answer = null;
        if (item.TryGetProperty("answer", out var answerElement))
        {
            answer = answerElement.ValueKind switch
            {
                JsonValueKind.String => answerElement.GetString(),
                JsonValueKind.Number => answerElement.GetRawText(),
                JsonValueKind.Null => null,
                _ => throw new ReplayDataException(file, line, "answer", "must be a string or a number"),
            };
        }

        IReadOnlyList<string>? options = null;
        if (item.TryGetProperty("choices", out var choicesElement))
        {
            (prompt, options, answer, messages) = ApplyChoices(choicesElement, prompt, answer, messages, file, line);
        }

        options ??= HarnessDataset.OptionsOf(prompt);
        var scoring = item.TryGetProperty("scoring", out var scoringElement) ? ParseScoring(scoringElement, file, line) : Infer(options, answer);
        if (scoring == ScoringKind.MultipleChoice)
        {
            options ??= Merging.ChoiceExtractor.DefaultOptions;
            if (answer is not null && !options.Contains(answer, StringComparer.Ordinal))
            {
                throw new ReplayDataException(file, line, "answer", $"'{answer}' is not one of the options {string.Join(", ", options)}");
            }
        }
        else if (scoring == ScoringKind.Numeric && answer is not null && AnswerScorer.ParseNumber(answer) is null)
        {
            throw new ReplayDataException(file, line, "answer", $"'{answer}' is not a number (scoring 'number')");
        }

        return new HarnessItem(id, prompt, messages, task, scoring == ScoringKind.MultipleChoice ? options : null, answer, answer is null ? ScoringKind.None : scoring);
    }

    private static List<HarnessMessage> ParseMessages(JsonElement element, string file, long line)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            throw new ReplayDataException(file, line, "messages", "must be a non-empty array of {role, content}");
        }

        var messages = new List<HarnessMessage>();
        var index = 0;
        foreach (var message in element.EnumerateArray())
        {
            var field = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw new ReplayDataException(file, line, field, "must be an object with string 'role' and 'content'");
            }

            messages.Add(new HarnessMessage(role.GetString()!, content.GetString()!));
        }

        return messages;
    }

    private static (string Prompt, IReadOnlyList<string> Options, string? Answer, List<HarnessMessage>? Messages) ApplyChoices(
        JsonElement element, string prompt, string? answer, List<HarnessMessage>? messages, string file, long line)
    {
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() is < 2 or > 10
            || element.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
        {
            throw new ReplayDataException(file, line, "choices", "must be an array of 2 to 10 strings");
        }

        var choices = element.EnumerateArray().Select(c => c.GetString()!).ToList();
        var letters = choices.Select((_, i) => ((char)('A' + i)).ToString()).ToArray();
        var listed = string.Join('\n', choices.Select((c, i) => $"{letters[i]}) {c}"));
        if (answer is not null && !letters.Contains(answer, StringComparer.Ordinal))
        {
            var index = choices.IndexOf(answer);
            answer = index >= 0 ? letters[index] : throw new ReplayDataException(file, line, "answer", $"'{answer}' is neither an option letter nor the text of a choice");
        }

        if (messages is not null)
        {
            // The options go into the last user message, where the question is.
            var last = messages.FindLastIndex(m => m.Role == "user");
            if (last < 0)
            {
                throw new ReplayDataException(file, line, "messages", "with 'choices' the conversation needs a user message");
            }

            messages[last] = messages[last] with { Content = messages[last].Content + "\n" + listed };
            prompt = messages is [{ Role: "user" } only] ? only.Content : string.Join('\n', messages.Select(m => $"{m.Role}: {m.Content}"));
            return (prompt, letters, answer, messages);
        }

        return (prompt + "\n" + listed, letters, answer, null);
    }

    private static ScoringKind ParseScoring(JsonElement element, string file, long line) => element.ValueKind == JsonValueKind.String
        ? element.GetString() switch
        {
            "choice" => ScoringKind.MultipleChoice,
            "number" => ScoringKind.Numeric,
            "exact" => ScoringKind.ExactMatch,
            var other => throw new ReplayDataException(file, line, "scoring", $"unknown scoring '{other}' (known: choice, number, exact)"),
        }
        : throw new ReplayDataException(file, line, "scoring", "must be a string");

    private static ScoringKind Infer(IReadOnlyList<string>? options, string? answer)
    {
        if (answer is null)
        {
            return ScoringKind.None;
        }

        if (options is not null && options.Contains(answer, StringComparer.Ordinal))
        {
            return ScoringKind.MultipleChoice;
        }

        return AnswerScorer.ParseNumber(answer) is not null ? ScoringKind.Numeric : ScoringKind.ExactMatch;
    }
}
