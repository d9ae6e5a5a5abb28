using System.Text.Json;

namespace AgentRouter.Inference.Tests;

internal static class FixtureJson
{
    public static JsonElement Read(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(FixturePaths.File(name)));
        return document.RootElement.Clone();
    }

    public static long[] Longs(this JsonElement element, string field) =>
        element.GetProperty(field).EnumerateArray().Select(item => item.GetInt64()).ToArray();

    public static double[] Doubles(this JsonElement element, string field) =>
        element.GetProperty(field).EnumerateArray().Select(item => item.GetDouble()).ToArray();

    public static double MaxAbsDifference(IReadOnlyList<float> actual, IReadOnlyList<double> expected)
    {
        Assert.Equal(expected.Count, actual.Count);
        return expected.Select((value, index) => Math.Abs(actual[index] - value)).Max();
    }
}
