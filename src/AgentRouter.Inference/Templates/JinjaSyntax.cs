namespace AgentRouter.Inference.Templates;

/// <summary>A node of the template's syntax tree; <see cref="Offset"/> is its position in the template source.</summary>
internal abstract record JinjaNode(int Offset);

internal sealed record TemplateBody(IReadOnlyList<JinjaNode> Body) : JinjaNode(0);
internal sealed record IfNode(JinjaNode Test, IReadOnlyList<JinjaNode> Body, IReadOnlyList<JinjaNode> Alternate, int At) : JinjaNode(At);
internal sealed record ForNode(JinjaNode LoopVariable, JinjaNode Iterable, IReadOnlyList<JinjaNode> Body, IReadOnlyList<JinjaNode> DefaultBlock, int At) : JinjaNode(At);
internal sealed record SetNode(JinjaNode Assignee, JinjaNode? Value, IReadOnlyList<JinjaNode> Body, int At) : JinjaNode(At);
internal sealed record MacroNode(IdentifierNode Name, IReadOnlyList<JinjaNode> Parameters, IReadOnlyList<JinjaNode> Body, int At) : JinjaNode(At);
internal sealed record CallBlockNode(CallNode Call, IReadOnlyList<JinjaNode>? CallerParameters, IReadOnlyList<JinjaNode> Body, int At) : JinjaNode(At);
internal sealed record FilterBlockNode(JinjaNode Filter, IReadOnlyList<JinjaNode> Body, int At) : JinjaNode(At);
internal sealed record BreakNode(int At) : JinjaNode(At);
internal sealed record ContinueNode(int At) : JinjaNode(At);
internal sealed record CommentNode(int At) : JinjaNode(At);

internal sealed record StringLiteralNode(string Value, int At) : JinjaNode(At);
internal sealed record IntegerLiteralNode(double Value, int At) : JinjaNode(At);
internal sealed record FloatLiteralNode(double Value, int At) : JinjaNode(At);
internal sealed record IdentifierNode(string Name, int At) : JinjaNode(At);
internal sealed record ArrayLiteralNode(IReadOnlyList<JinjaNode> Items, int At) : JinjaNode(At);
internal sealed record TupleLiteralNode(IReadOnlyList<JinjaNode> Items, int At) : JinjaNode(At);
internal sealed record ObjectLiteralNode(IReadOnlyList<(JinjaNode Key, JinjaNode Value)> Entries, int At) : JinjaNode(At);
internal sealed record BinaryNode(string Operator, JinjaNode Left, JinjaNode Right, int At) : JinjaNode(At);
internal sealed record UnaryNode(string Operator, JinjaNode Argument, int At) : JinjaNode(At);
internal sealed record MemberNode(JinjaNode Target, JinjaNode Property, bool Computed, int At) : JinjaNode(At);
internal sealed record CallNode(JinjaNode Callee, IReadOnlyList<JinjaNode> Arguments, int At) : JinjaNode(At);
/// <summary><see cref="Filter"/> is an <see cref="IdentifierNode"/> or a <see cref="CallNode"/> on one.</summary>
internal sealed record FilterNode(JinjaNode Operand, JinjaNode Filter, int At) : JinjaNode(At);
internal sealed record TestNode(JinjaNode Operand, bool Negate, IdentifierNode Test, int At) : JinjaNode(At);
internal sealed record SelectNode(JinjaNode Left, JinjaNode Test, int At) : JinjaNode(At);
internal sealed record TernaryNode(JinjaNode Condition, JinjaNode WhenTrue, JinjaNode WhenFalse, int At) : JinjaNode(At);
internal sealed record SliceNode(JinjaNode? Start, JinjaNode? Stop, JinjaNode? Step, int At) : JinjaNode(At);
internal sealed record KeywordArgumentNode(IdentifierNode Key, JinjaNode Value, int At) : JinjaNode(At);
internal sealed record SpreadNode(JinjaNode Argument, int At) : JinjaNode(At);
internal sealed record KeywordSpreadNode(JinjaNode Argument, int At) : JinjaNode(At);
