using AgentRouter.Core.Backends;
using AgentRouter.Core.Merging;
using AgentRouter.Server.OpenAi;

namespace AgentRouter.Server.Tests;

public sealed class OutcomeJsonKvReuseTests
{
    [Fact]
    public void Analysis_reports_kv_reuse_only_when_the_backend_gave_it()
    {
        var plain = OutcomeJson.Analysis(new AgentAnalysis("a", "A", "A"));
        Assert.False(plain.ContainsKey("kv_reuse"));

        var shared = OutcomeJson.Analysis(new AgentAnalysis("b", "A", "A", KvReuse: new KvReuse(70, 64)));
        var reuse = shared["kv_reuse"]!.AsObject();
        Assert.Equal(70, (int)reuse["prompt_tokens"]!);
        Assert.Equal(64, (int)reuse["reused_tokens"]!);
        Assert.Equal("exact", (string)reuse["mode"]!);
    }
}
