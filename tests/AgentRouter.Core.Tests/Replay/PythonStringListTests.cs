using AgentRouter.Core.Replay;

namespace AgentRouter.Core.Tests.Replay;

public class PythonStringListTests
{
    [Theory]
    [InlineData("['B']", "B")]
    [InlineData("['A)\\n']", "A)\n")]
    [InlineData("[\"it's\"]", "it's")]
    [InlineData("['it\\'s \"quoted\"']", "it's \"quoted\"")]
    [InlineData("['tab\\there\\\\back']", "tab\there\\back")]
    [InlineData("['caf\\xe9 \\u00e9 \\U0001F600']", "café é 😀")]
    [InlineData("['oct\\101']", "octA")]
    [InlineData("['unknown \\q escape']", "unknown \\q escape")]
    [InlineData("[ 'a' 'b' ]", "ab")]
    [InlineData("['x',]", "x")]
    public void Parses_one_string(string literal, string expected) => Assert.Equal([expected], PythonStringList.Parse(literal));

    [Fact]
    public void Parses_several_strings_and_empty_lists()
    {
        Assert.Equal(["a", "b, c", ""], PythonStringList.Parse("['a', \"b, c\", '']"));
        Assert.Empty(PythonStringList.Parse("[]"));
    }

    [Theory]
    [InlineData("B")]
    [InlineData("['B'")]
    [InlineData("['B]")]
    [InlineData("['B'] x")]
    [InlineData("[B]")]
    [InlineData("['\\x4']")]
    [InlineData("['a' ; 'b']")]
    public void Rejects_what_is_not_a_list_of_strings(string literal) =>
        Assert.Throws<FormatException>(() => PythonStringList.Parse(literal));
}
