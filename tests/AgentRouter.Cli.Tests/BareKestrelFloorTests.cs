using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AgentRouter.Cli.Bench;

namespace AgentRouter.Cli.Tests;

/// <summary>The floor of <c>bench http</c> is only a fair floor if it answers the load's request with a valid chat
/// completion of exactly the router's response size.</summary>
public sealed class BareKestrelFloorTests
{
    [Theory]
    [InlineData(1544)]
    [InlineData(400)]
    public async Task The_floor_answers_a_chat_completion_of_the_asked_size(int responseBytes)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var url = $"http://127.0.0.1:{port}";
        await using var floor = await BareKestrelFloor.StartAsync(url, responseBytes, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = new Uri(url) };

        using var content = new StringContent("""{"model":"router","messages":[{"role":"user","content":"Question 1: A, B, C or D?"}]}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/v1/chat/completions", content);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(responseBytes, body.Length);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("chat.completion", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("router", json.RootElement.GetProperty("model").GetString());
    }
}
