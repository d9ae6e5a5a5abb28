using System.Text;
using System.Text.Json;
using AgentRouter.Core.Agents;
using AgentRouter.Core.Json;
using AgentRouter.Core.Presets;
using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Fuzz;

/// <summary>The inputs <see cref="FileParserFuzzTests"/> found crashing the file readers (an
/// <see cref="InvalidOperationException"/> out of System.Text.Json instead of the reader's typed error), kept as
/// fixed cases. Root cause: <see cref="JsonDocument"/> accepts lone surrogate escapes, invalid UTF-8 inside strings and
/// (by default) duplicate keys, and throws only when such a string is read; <see cref="CheckedJson"/> now refuses
/// them at parse time.</summary>
public sealed class FuzzRegressionTests
{
    private const string Manifest = """{"name":"a","backend":"simulated","settings":{"seed":1}}""";

    [Theory]
    [InlineData("""{"\ud800":0,"name":"a","backend":"simulated"}""", "lone surrogate key")]
    [InlineData("""{"name":"a","backend":"simulated","tags":["x\ud800"]}""", "lone surrogate value")]
    [InlineData("""{"name":"a","backend":"simulated","cost":{"\ud800":1}}""", "lone surrogate key of a nested object")]
    [InlineData("""{"name":"a","backend":"simulated","settings":{"seed":1,"seed":2}}""", "duplicate key in settings")]
    [InlineData("""{"name":"a","name":"b","backend":"simulated"}""", "duplicate top-level key")]
    public void Manifest_with_bad_strings_or_duplicate_keys_is_a_document_error(string json, string what)
    {
        var result = AgentManifestLoader.Parse(json, "m.json");
        var error = Assert.Single(result.Errors);
        Assert.Equal(("m.json", "(document)"), (error.File, error.Field));
        Assert.Empty(result.Manifests);
        Assert.NotEmpty(what);
    }

    [Fact]
    public void A_valid_manifest_still_parses() => Assert.Single(AgentManifestLoader.Parse(Manifest, "m.json").Manifests);

    [Theory]
    [InlineData("""{"\ud800":0,"policy":"ema"}""")]
    [InlineData("""{"policy":"ema","parameters":{"alpha":0.1,"alpha":0.2}}""")]
    public void Preset_with_bad_strings_or_duplicate_keys_throws_PolicyPresetException(string json) =>
        Assert.Throws<PolicyPresetException>(() => PolicyPresetLoader.Parse(json, "p.json"));

    [Theory]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 }, "truncated four-byte sequence")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "UTF-8 encoded surrogate")]
    [InlineData(new byte[] { 0x80 }, "stray continuation byte")]
    public void Open7b_with_invalid_utf8_in_a_string_throws_ReplayDataException(byte[] bad, string what)
    {
        byte[] json = [.. Encoding.UTF8.GetBytes("""[{"question": "q"""), .. bad, .. Encoding.UTF8.GetBytes("\", \"scores\": {\"a-7B\": 1}}]")];
        using var stream = new MemoryStream(json);
        var error = Assert.Throws<ReplayDataException>(() => Open7bReader.Read(stream, "gsm8k.json", new ReplayReadOptions()));
        Assert.Equal("[0]", error.Field);
        Assert.NotEmpty(what);
    }

    [Fact]
    public void Open7b_with_a_duplicate_score_key_throws_ReplayDataException()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""[{"question": "q", "scores": {"a-7B": 1, "a-7B": 0}}]"""));
        Assert.Throws<ReplayDataException>(() => Open7bReader.Read(stream, "gsm8k.json", new ReplayReadOptions()));
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""")]
    [InlineData("""{"\udc00":1}""")]
    [InlineData("""{"a":1,"a":1}""")]
    [InlineData("""[{"a":{"b":1,"b":2}}]""")]
    public void CheckedJson_refuses_what_JsonDocument_accepts(string json)
    {
        using (JsonDocument.Parse(json))
        {
            // JsonDocument itself parses it: the crash came later, when the string was read.
        }

        Assert.Throws<JsonException>(() => CheckedJson.Parse(json));
    }

    [Theory]
    [InlineData("""{"a":"\ud83d\ude00","b":"\u00e9\n"}""")]
    [InlineData("""{"a":[1,{"a":2}],"b":{"a":3}}""")]
    public void CheckedJson_accepts_valid_escapes_and_the_same_key_in_different_objects(string json)
    {
        using var document = CheckedJson.Parse(json);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }
}
