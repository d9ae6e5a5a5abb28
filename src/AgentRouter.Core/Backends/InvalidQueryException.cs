namespace AgentRouter.Core.Backends;

/// <summary>
/// A backend's answer that the query itself cannot be served, whatever agent tries it: a prompt longer than the model's
/// context, max_tokens that do not fit, a sampling value out of range. The agent is not at fault: the router neither
/// retries the query elsewhere nor counts it against the agent, and a query every panel member refused this way ends as
/// <c>Rejected</c> (HTTP 400 naming <see cref="Field"/>), not as a failure of the agents.
/// </summary>
public class InvalidQueryException : Exception
{
    public InvalidQueryException(string field, string problem) : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The request field at fault, in the OpenAI request's spelling (messages, max_tokens, temperature, …).</summary>
    public string Field { get; }

    public string Problem { get; }
}
