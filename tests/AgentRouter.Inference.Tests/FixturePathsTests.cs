namespace AgentRouter.Inference.Tests;

public sealed class FixturePathsTests
{
    [Fact]
    public void MissingFixturesFailWithThePathThatWasTried()
    {
        using var temporary = new TemporaryDirectory();
        var missing = temporary.Combine("no-fixtures-here");

        var error = Assert.Throws<InvalidOperationException>(() => FixturePaths.Resolve(missing, FixturePaths.RepositoryRoot));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains(FixturePaths.EnvironmentVariable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultLocationIsTheFolderShippedInTheRepository()
    {
        var root = FixturePaths.RepositoryRoot();

        var resolved = FixturePaths.Resolve(null, () => root);

        Assert.Equal(Path.GetFullPath(Path.Combine(root, "data", "hf-moe")), resolved);
    }
}
