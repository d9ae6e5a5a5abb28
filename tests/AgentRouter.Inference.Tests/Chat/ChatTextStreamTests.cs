using AgentRouter.Inference.Chat;
using AgentRouter.Inference.Tokenization;

namespace AgentRouter.Inference.Tests.Chat;

public sealed class ChatTextStreamTests
{
    private static readonly ByteLevelTokenizer Bytes = new();

    [Fact]
    public void Text_that_may_become_a_stop_string_is_held_back_until_it_cannot()
    {
        var pieces = new List<string>();
        var stream = new ChatTextStream(Bytes, ["END"], pieces.Add);
        foreach (var id in Bytes.Encode("abEN"))
        {
            Assert.False(stream.Append(id));
        }
        Assert.Equal("ab", string.Concat(pieces));
        Assert.False(stream.Append(Bytes.Encode("x").Single()));
        Assert.Equal("abENx", string.Concat(pieces));
        Assert.Equal("abENx", stream.Finish());
    }

    [Fact]
    public void The_first_stop_string_ends_the_text_before_it()
    {
        var pieces = new List<string>();
        var stream = new ChatTextStream(Bytes, ["\n\n", "STOP"], pieces.Add);
        var stopped = Bytes.Encode("one STOP two").Select(stream.Append).ToList();
        Assert.Contains(true, stopped);
        Assert.Equal("one ", stream.Finish());
        Assert.Equal("one ", string.Concat(pieces));
    }

    [Fact]
    public void Multi_byte_characters_are_released_whole()
    {
        var pieces = new List<string>();
        var stream = new ChatTextStream(Bytes, null, pieces.Add);
        foreach (var id in Bytes.Encode("é😀"))
        {
            stream.Append(id);
        }
        Assert.Equal(["é", "😀"], pieces);
        Assert.Equal("é😀", stream.Finish());
    }
}
