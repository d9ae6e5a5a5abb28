using System.Text.Json.Nodes;
using AgentRouter.Core.Domain;

namespace AgentRouter.Core.Policies;

/// <summary>A baseline that learns nothing from outcomes: its state is the snapshot header, plus whatever a subclass
/// keeps (a turn counter, a generator).</summary>
public abstract class BaselinePolicyBase : RoutingPolicyBase
{
    private protected BaselinePolicyBase(string name)
        : base(name)
    {
    }

    public sealed override void Observe(Query query, AgentOutcome outcome)
    {
    }

    public override JsonObject Snapshot() => PolicyState.Header(Name);

    public override void Restore(JsonObject state) => PolicyState.CheckPolicy(state, Name);
}
