using AgentRouter.Core.Domain;
using AgentRouter.Core.Merging;

namespace AgentRouter.Actors.Routing;

/// <summary>What a router keeps about an answered query until its feedback arrives or expires.</summary>
internal sealed record AnsweredQuery(Query Query, IReadOnlyList<AgentAnalysis> Analyses, string? MergedChoice);
