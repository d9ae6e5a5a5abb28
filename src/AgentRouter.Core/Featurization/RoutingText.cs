namespace AgentRouter.Core.Featurization;

/// <summary>The part of a prompt a router should read. RouterBench's prompts are k-shot: solved examples
/// ("…\nAnswer:\nA") separated by blank lines, then the real question. The examples are the same for every
/// query of a task, and a sentence encoder truncates long inputs (MiniLM at 256 tokens), so embedding the whole
/// prompt would embed mostly the examples; the solved example blocks in front are dropped.</summary>
public static class RoutingText
{
    public static string Of(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var blocks = prompt.Split("\n\n");
        var first = 0;
        while (first < blocks.Length - 1 && IsSolvedExample(blocks[first]))
        {
            first++;
        }

        return first == 0 ? prompt : string.Join("\n\n", blocks[first..]);
    }

    // A block whose "Answer:" line is followed by an answer.
    private static bool IsSolvedExample(string block)
    {
        var at = block.LastIndexOf("Answer:", StringComparison.Ordinal);
        return at >= 0 && block[(at + "Answer:".Length)..].Trim().Length > 0;
    }
}
