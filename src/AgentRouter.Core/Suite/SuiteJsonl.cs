using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgentRouter.Core.Json;

namespace AgentRouter.Core.Suite;

/// <summary>Reads and writes the suite as JSON Lines (format in docs/SUITE.md): one object per line, fields in
/// a fixed order, "\n" line ends, so that the same items always give byte-identical files.</summary>
public static class SuiteJsonl
{
    // The default encoder escapes '+' and friends; questions are plain ASCII arithmetic, keep them readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] KnownFields = ["id", "domain", "difficulty", "split", "question", "options", "answer"];

    public static void Write(TextWriter writer, IEnumerable<SuiteItem> items)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            writer.Write(ToLine(item));
            writer.Write('\n');
        }
    }

    public static string ToJsonl(IEnumerable<SuiteItem> items)
    {
        using var writer = new StringWriter();
        Write(writer, items);
        return writer.ToString();
    }

    public static string ToLine(SuiteItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", item.Id);
            json.WriteString("domain", item.Domain);
            json.WriteNumber("difficulty", item.Difficulty);
            json.WriteString("split", SuiteSplits.Name(item.Split));
            json.WriteString("question", item.Question);
            json.WriteStartArray("options");
            foreach (var option in item.Options)
            {
                json.WriteStringValue(option);
            }

            json.WriteEndArray();
            json.WriteString("answer", item.Answer);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyList<SuiteItem> ReadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader, path);
    }

    /// <summary>Reads every item; blank lines are skipped.</summary>
    /// <exception cref="SuiteFormatException">The first invalid line, naming line and field.</exception>
    public static IReadOnlyList<SuiteItem> Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var items = new List<SuiteItem>();
        var lineByIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var item = ParseLine(line, sourceName, lineNumber);
            if (lineByIds.TryGetValue(item.Id, out var firstLine))
            {
                throw new SuiteFormatException(sourceName, lineNumber, "id", $"duplicate id '{item.Id}' (first on line {firstLine})");
            }

            lineByIds[item.Id] = lineNumber;
            items.Add(item);
        }

        return items;
    }

    public static SuiteItem ParseLine(string line, string sourceName, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = CheckedJson.Parse(line);
        }
        catch (JsonException error)
        {
            throw new SuiteFormatException(sourceName, lineNumber, null, $"not valid JSON ({error.Message})");
        }

        using (document)
        {
            return new SuiteLineParser(document.RootElement, sourceName, lineNumber).Parse();
        }
    }

    private readonly struct SuiteLineParser(JsonElement root, string source, int line)
    {
        public SuiteItem Parse()
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(null, $"expected a JSON object, got {root.ValueKind}");
            }

            foreach (var property in root.EnumerateObject().Where(property => !KnownFields.Contains(property.Name, StringComparer.Ordinal)))
            {
                throw Fail(property.Name, $"unknown field (known: {string.Join(", ", KnownFields)})");
            }

            var id = RequiredString("id");
            var domain = RequiredString("domain");
            if (!SuiteDomains.IsKnown(domain))
            {
                throw Fail("domain", $"unknown domain '{domain}' (known: {string.Join(", ", SuiteDomains.All)})");
            }

            var difficulty = Required("difficulty", JsonValueKind.Number);
            if (!difficulty.TryGetInt32(out var level) || !SuiteDomains.IsValidDifficulty(level))
            {
                throw Fail("difficulty", $"expected an integer {SuiteDomains.MinDifficulty}..{SuiteDomains.MaxDifficulty}, got {difficulty.GetRawText()}");
            }

            var question = RequiredString("question");
            var options = ReadOptions();
            var answer = RequiredString("answer");
            if (SuitePrompt.LetterIndex(answer) < 0)
            {
                throw Fail("answer", $"expected one of {string.Join(", ", SuitePrompt.Letters)}, got '{answer}'");
            }

            CheckSplit(question);
            return new SuiteItem(id, domain, level, question, options, answer);
        }

        private void CheckSplit(string question)
        {
            if (!root.TryGetProperty("split", out var split))
            {
                return;
            }

            var expected = SuiteSplits.Name(SuiteSplits.Of(question));
            if (split.ValueKind != JsonValueKind.String || split.GetString() != expected)
            {
                throw Fail("split", $"the question hashes to the '{expected}' split, the line says {split.GetRawText()}");
            }
        }

        private List<string> ReadOptions()
        {
            var array = Required("options", JsonValueKind.Array);
            var options = new List<string>();
            foreach (var option in array.EnumerateArray())
            {
                if (option.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(option.GetString()))
                {
                    throw Fail("options", $"option {options.Count + 1} must be a non-empty string, got {option.GetRawText()}");
                }

                options.Add(option.GetString()!);
            }

            if (options.Count != SuitePrompt.Letters.Count)
            {
                throw Fail("options", $"expected exactly {SuitePrompt.Letters.Count} options, got {options.Count}");
            }

            if (options.Distinct(StringComparer.Ordinal).Count() != options.Count)
            {
                throw Fail("options", "options must be distinct");
            }

            return options;
        }

        private string RequiredString(string field)
        {
            var value = Required(field, JsonValueKind.String).GetString();
            return string.IsNullOrEmpty(value) ? throw Fail(field, "must not be empty") : value;
        }

        private JsonElement Required(string field, JsonValueKind kind)
        {
            if (!root.TryGetProperty(field, out var value))
            {
                throw Fail(field, "missing");
            }

            return value.ValueKind == kind ? value : throw Fail(field, $"expected {kind}, got {value.ValueKind}");
        }

        private SuiteFormatException Fail(string? field, string problem) => new(source, line, field, problem);
    }
}
