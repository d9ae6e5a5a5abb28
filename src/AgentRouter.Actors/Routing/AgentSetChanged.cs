using Akka.Actor;

namespace AgentRouter.Actors.Routing;

/// <summary>The complete set of agents a router may now use (cluster membership changed). Agents are matched by
/// name: new names are added, known names get their (possibly new) actor and vitals, and names absent from
/// <paramref name="Agents"/> are departed — no new work goes to them and their in-flight requests are retried
/// on next-ranked agents. Local-only: it carries live <see cref="Agents.AgentVitals"/> objects.</summary>
public sealed record AgentSetChanged(IReadOnlyList<AgentHandle> Agents, string Reason) : INoSerializationVerificationNeeded;
