using Akka.Actor;
using AgentRouter.Actors.Agents;
using AgentRouter.Core.Domain;

namespace AgentRouter.Actors.Routing;

/// <summary>What a router holds per agent: its profile (for policies), its actor and its live vitals.</summary>
public sealed record AgentHandle(AgentProfile Profile, IActorRef Actor, AgentVitals Vitals)
{
    public string Name => Profile.Name;
}
