using System.Text;
using System.Text.Json;

namespace AgentRouter.Tests.Fuzzing;

/// <summary>One generated input and how it was made (printed when it breaks a parser, with its case index).</summary>
internal sealed record FuzzCase(byte[] Bytes, string Mutation)
{
    public string Text => Encoding.UTF8.GetString(Bytes);
}

/// <summary>Mutation-style JSON inputs from valid seeds: a value, object or array replaced by a hostile literal
/// (huge and tiny numbers, NaN/Infinity, lone surrogates, deep nesting, wrong types, long strings), a key duplicated,
/// renamed or removed, then sometimes byte-level damage on top (bit flips, truncation, invalid UTF-8).</summary>
internal static class JsonMutator
{
    private static readonly string[] Numbers =
    [
        "0", "-0", "-1", "1", "0.5", "2", "1e308", "-1e308", "1e309", "-1e309", "1e-320", "4.9e-324", "2147483647",
        "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "1" + new string('0', 400), "1.5", "-0.0", "1E+2", "123456789012345678901234567890e-10",
        // Not JSON, but what a hand-edited file or a Python json.dumps may hold.
        "NaN", "Infinity", "-Infinity", "+1", ".5", "01", "1.", "0x10", "1e", "--1",
    ];

    private static readonly string[] Strings =
    [
        "\"\"", "\" \"", "\"\\ud800\"", "\"\\udc00x\"", "\"x\\ud800\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\uZZZZ\"",
        "\"\\\"\"", "\"\\\\\"", "\"NaN\"", "\"1e308\"", "\"-1\"", "\"true\"", "\"null\"", "\"../../etc/passwd\"", "\"/dev/zero\"",
        "\"\u202e\u0301\"", "\"😀\"", "\"\t\"", "\"x\ny\"", "\"router\"", "\"user\"", "\"ema\"", "\"F32\"", "\"A\"",
    ];

    private static readonly string[] Shapes =
    [
        "null", "true", "false", "{}", "[]", "[null]", "[[]]", "{\"\":null}", "[1,2,3]", "[\"a\",\"b\"]", "{\"a\":{\"b\":[1]}}",
        "[\"\\ud800\"]", "{\"\\ud800\":1}", "[1e309]", "[-1]",
    ];

    /// <summary>Property names worth trying: ones the parsers know, an empty one, a surrogate, an unknown one.</summary>
    private static readonly string[] Keys =
    [
        "", "x", "__proto__", "\\ud800", "model", "messages", "name", "type", "id", "dtype", "shape", "data_offsets",
        "__metadata__", "weight_map", "vocab", "merges", "parameters", "policy", "task_type", "query_id", "reward",
    ];

    /// <summary>A mutant of one of <paramref name="seeds"/> (each a valid JSON text).</summary>
    public static FuzzCase Mutate(IReadOnlyList<string> seeds, Random random)
    {
        var seedIndex = random.Next(seeds.Count);
        var bytes = Encoding.UTF8.GetBytes(seeds[seedIndex]);
        var steps = new List<string> { $"seed {seedIndex}" };
        // Mostly one structural change, so that many mutants stay close enough to valid to reach the checks past parsing.
        var structural = random.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
        for (var i = 0; i < structural; i++)
        {
            if (Tokens.TryRead(bytes) is not { } tokens)
            {
                break;
            }

            (bytes, var step) = MutateStructure(bytes, tokens, random);
            steps.Add(step);
        }

        if (random.NextDouble() < 0.3)
        {
            (bytes, var step) = ByteMutator.Mutate(bytes, random);
            steps.Add(step);
        }

        return new FuzzCase(bytes, string.Join(" → ", steps));
    }

    /// <summary>A hostile literal in place of a value: also used by the CSV mutator for cells.</summary>
    public static string HostileLiteral(Random random) => random.Next(10) switch
    {
        < 4 => Pick(Numbers, random),
        < 7 => Pick(Strings, random),
        < 9 => Pick(Shapes, random),
        _ => Huge(random),
    };

    private static string Huge(Random random) => random.Next(5) switch
    {
        0 => new string('[', 5000) + new string(']', 5000),
        1 => string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000),
        2 => new string('[', 70) + new string(']', 70),
        3 => "\"" + new string('x', 100_000) + "\"",
        _ => "[" + string.Join(",", Enumerable.Repeat("1", 20_000)) + "]",
    };

    private static (byte[] Bytes, string Step) MutateStructure(byte[] bytes, Tokens tokens, Random random)
    {
        var choice = random.Next(10);
        if (choice < 6 || tokens.Properties.Count == 0)
        {
            var value = Pick(tokens.Values, random);
            var literal = HostileLiteral(random);
            return (Splice(bytes, value.Start, value.End, literal), $"value@{value.Start} := {Describe(literal)}");
        }

        var property = Pick(tokens.Properties, random);
        switch (choice)
        {
            case 6:
                // The same key twice: the copy goes right after the original.
                var copy = Encoding.UTF8.GetString(bytes, property.NameStart, property.ValueEnd - property.NameStart);
                return (Splice(bytes, property.ValueEnd, property.ValueEnd, "," + copy), $"duplicate key@{property.NameStart}");
            case 7:
                var key = Pick(Keys, random);
                return (Splice(bytes, property.NameStart, property.NameEnd, "\"" + key + "\""), $"rename key@{property.NameStart} := \"{key}\"");
            case 8:
                // A new member at the start of the object holding this property.
                var member = "\"" + Pick(Keys, random) + "\":" + HostileLiteral(random) + ",";
                return (Splice(bytes, property.NameStart, property.NameStart, member), $"insert member@{property.NameStart} {Describe(member)}");
            default:
                return (RemoveProperty(bytes, property), $"remove key@{property.NameStart}");
        }
    }

    private static byte[] RemoveProperty(byte[] bytes, Tokens.Property property)
    {
        var end = property.ValueEnd;
        var afterValue = end;
        while (afterValue < bytes.Length && IsSpace(bytes[afterValue]))
        {
            afterValue++;
        }

        if (afterValue < bytes.Length && bytes[afterValue] == (byte)',')
        {
            return Splice(bytes, property.NameStart, afterValue + 1, "");
        }

        // The last member: take the comma before it, if any.
        var before = property.NameStart - 1;
        while (before >= 0 && IsSpace(bytes[before]))
        {
            before--;
        }

        return before >= 0 && bytes[before] == (byte)',' ? Splice(bytes, before, end, "") : Splice(bytes, property.NameStart, end, "");
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static byte[] Splice(byte[] bytes, int start, int end, string replacement) =>
        [.. bytes.AsSpan(0, start), .. Encoding.UTF8.GetBytes(replacement), .. bytes.AsSpan(end)];

    private static string Describe(string literal) => literal.Length <= 40 ? literal : $"{literal[..20]}…({literal.Length} chars)";

    private static T Pick<T>(IReadOnlyList<T> items, Random random) => items[random.Next(items.Count)];

    /// <summary>Where each value and each property of a JSON text lies (UTF-8 byte offsets).</summary>
    private sealed class Tokens
    {
        public sealed record Span(int Start, int End);

        public sealed record Property(int NameStart, int NameEnd, int ValueEnd);

        public List<Span> Values { get; } = [];

        public List<Property> Properties { get; } = [];

        /// <summary>Null when the bytes are no longer JSON (an earlier step broke them, e.g. with NaN).</summary>
        public static Tokens? TryRead(byte[] bytes)
        {
            var tokens = new Tokens();
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            var open = new Stack<(int Start, int? NameStart, int? NameEnd)>();
            (int Start, int End)? pendingName = null;
            try
            {
                while (reader.Read())
                {
                    var start = (int)reader.TokenStartIndex;
                    var end = (int)reader.BytesConsumed;
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.PropertyName:
                            // BytesConsumed is past the colon here; the name itself is its raw bytes and two quotes.
                            pendingName = (start, start + reader.ValueSpan.Length + 2);
                            break;
                        case JsonTokenType.StartObject or JsonTokenType.StartArray:
                            open.Push((start, pendingName?.Start, pendingName?.End));
                            pendingName = null;
                            break;
                        case JsonTokenType.EndObject or JsonTokenType.EndArray:
                            var container = open.Pop();
                            tokens.Values.Add(new Span(container.Start, end));
                            if (container.NameStart is { } nameStart)
                            {
                                tokens.Properties.Add(new Property(nameStart, container.NameEnd!.Value, end));
                            }

                            break;
                        default:
                            tokens.Values.Add(new Span(start, end));
                            if (pendingName is { } name)
                            {
                                tokens.Properties.Add(new Property(name.Start, name.End, end));
                            }

                            pendingName = null;
                            break;
                    }
                }
            }
            catch (JsonException)
            {
                return null;
            }

            return tokens.Values.Count == 0 ? null : tokens;
        }
    }
}
