namespace AgentRouter.Inference.Tokenization.HuggingFace;

/// <summary>
/// Cuts text at added tokens before anything else sees it: at each position the longest added token wins, as in
/// the reference's trie, so that normalizers and pre-tokenizers never split a special token.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private sealed class Node
    {
        public Dictionary<char, Node> Children { get; } = [];
        public AddedToken? Token { get; set; }
    }

    private readonly Node _root = new();

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        foreach (var token in tokens)
        {
            var node = _root;
            foreach (var character in token.Content)
            {
                if (!node.Children.TryGetValue(character, out var child))
                {
                    child = new Node();
                    node.Children[character] = child;
                }
                node = child;
            }
            node.Token = token;
        }
    }

    /// <summary>Sections in order: plain text (Token null) or one added token.</summary>
    public List<(string Text, AddedToken? Token)> Split(string text)
    {
        var sections = new List<(string, AddedToken?)>();
        var start = 0;
        var index = 0;
        while (index < text.Length)
        {
            var node = _root;
            AddedToken? match = null;
            for (var cursor = index; cursor < text.Length && node.Children.TryGetValue(text[cursor], out node); cursor++)
            {
                if (node.Token is not null)
                {
                    match = node.Token;
                }
            }
            if (match is null)
            {
                index++;
                continue;
            }
            if (index > start)
            {
                sections.Add((text[start..index], null));
            }
            sections.Add((match.Content, match));
            index += match.Content.Length;
            start = index;
        }
        if (start < text.Length)
        {
            sections.Add((text[start..], null));
        }
        return sections;
    }
}
