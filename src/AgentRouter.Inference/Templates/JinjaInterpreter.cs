using System.Text;

namespace AgentRouter.Inference.Templates;

/// <summary>Evaluates a parsed template the way @huggingface/jinja 0.5.13's Interpreter does.</summary>
internal sealed partial class JinjaInterpreter
{
    private sealed class BreakSignal : Exception;

    private sealed class ContinueSignal : Exception;

    private const int MaxOutputChars = 64 * 1024 * 1024;
    private const int MaxCallDepth = 200;

    private readonly CancellationToken _cancellation;
    private int _callDepth;

    public JinjaInterpreter(CancellationToken cancellation) => _cancellation = cancellation;

    public string Render(TemplateBody template, JinjaScope globals) => RenderBlock(template.Body, globals);

    private string RenderBlock(IReadOnlyList<JinjaNode> statements, JinjaScope scope)
    {
        var result = new StringBuilder();
        foreach (var statement in statements)
        {
            switch (statement)
            {
                case StringLiteralNode text:
                    result.Append(text.Value);
                    break;
                case IfNode ifNode:
                    result.Append(RenderBlock(Evaluate(ifNode.Test, scope).IsTruthy ? ifNode.Body : ifNode.Alternate, scope));
                    break;
                case ForNode forNode:
                    result.Append(RenderFor(forNode, scope));
                    break;
                case SetNode set:
                    ExecuteSet(set, scope);
                    break;
                case CommentNode:
                    break;
                default:
                    var value = Evaluate(statement, scope);
                    if (value is not (JinjaNull or JinjaUndefined))
                    {
                        result.Append(value.Render());
                    }
                    break;
            }
            if (result.Length > MaxOutputChars)
            {
                throw JinjaBuiltins.Fail($"the rendering exceeds {MaxOutputChars} characters");
            }
        }
        return result.ToString();
    }

    public JinjaValue Evaluate(JinjaNode? node, JinjaScope scope)
    {
        _cancellation.ThrowIfCancellationRequested();
        return node switch
        {
            null => JinjaUndefined.Instance,
            IdentifierNode identifier => scope.Lookup(identifier.Name),
            IntegerLiteralNode integer => new JinjaInteger(integer.Value),
            FloatLiteralNode number => new JinjaFloat(number.Value),
            StringLiteralNode text => new JinjaString(text.Value),
            BinaryNode binary => EvaluateBinary(binary, scope),
            MemberNode member => EvaluateMember(member, scope),
            CallNode call => EvaluateCall(call, scope),
            FilterNode filter => ApplyFilter(Evaluate(filter.Operand, scope), filter.Filter, scope),
            TestNode test => EvaluateTest(test, scope),
            TernaryNode ternary => Evaluate(Evaluate(ternary.Condition, scope).IsTruthy ? ternary.WhenTrue : ternary.WhenFalse, scope),
            UnaryNode unary => EvaluateUnary(unary, scope),
            ArrayLiteralNode array => new JinjaArray(array.Items.Select(item => Evaluate(item, scope)).ToList()),
            TupleLiteralNode tuple => new JinjaTuple(tuple.Items.Select(item => Evaluate(item, scope)).ToList()),
            ObjectLiteralNode obj => EvaluateObject(obj, scope),
            SelectNode select => Evaluate(select.Test, scope).IsTruthy ? Evaluate(select.Left, scope) : JinjaUndefined.Instance,
            IfNode ifNode => new JinjaString(RenderBlock(Evaluate(ifNode.Test, scope).IsTruthy ? ifNode.Body : ifNode.Alternate, scope)),
            SetNode set => ExecuteSetAndReturnNull(set, scope),
            ForNode forNode => new JinjaString(RenderFor(forNode, scope)),
            MacroNode macro => DefineMacro(macro, scope),
            CallBlockNode callBlock => EvaluateCallBlock(callBlock, scope),
            FilterBlockNode filterBlock => ApplyFilter(new JinjaString(RenderBlock(filterBlock.Body, scope)), filterBlock.Filter, scope),
            CommentNode => JinjaNull.Instance,
            BreakNode => throw new BreakSignal(),
            ContinueNode => throw new ContinueSignal(),
            _ => throw JinjaBuiltins.Fail($"cannot evaluate {node.GetType().Name}"),
        };
    }

    private JinjaObject EvaluateObject(ObjectLiteralNode node, JinjaScope scope)
    {
        var entries = new OrderedDictionary<string, JinjaValue>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in node.Entries)
        {
            if (Evaluate(keyNode, scope) is not JinjaString key)
            {
                throw JinjaBuiltins.Fail("object keys must be strings");
            }
            entries[key.Value] = Evaluate(valueNode, scope);
        }
        return new JinjaObject(entries);
    }

    private JinjaValue ExecuteSetAndReturnNull(SetNode set, JinjaScope scope)
    {
        ExecuteSet(set, scope);
        return JinjaNull.Instance;
    }

    private void ExecuteSet(SetNode node, JinjaScope scope)
    {
        var value = node.Value is not null ? Evaluate(node.Value, scope) : new JinjaString(RenderBlock(node.Body, scope));
        switch (node.Assignee)
        {
            case IdentifierNode identifier:
                scope.Set(identifier.Name, value);
                break;
            case TupleLiteralNode tuple:
                if (value is not JinjaArray array)
                {
                    throw JinjaBuiltins.Fail($"Cannot unpack non-iterable type in set: {value.TypeName}");
                }
                if (array.Items.Count != tuple.Items.Count)
                {
                    throw JinjaBuiltins.Fail($"Too {(tuple.Items.Count > array.Items.Count ? "few" : "many")} items to unpack in set");
                }
                for (var index = 0; index < tuple.Items.Count; index++)
                {
                    scope.Set((tuple.Items[index] as IdentifierNode ?? throw JinjaBuiltins.Fail("cannot unpack to a non-identifier in set")).Name, array.Items[index]);
                }
                break;
            case MemberNode member:
                if (Evaluate(member.Target, scope) is not JinjaNamespace ns)
                {
                    throw JinjaBuiltins.Fail("cannot assign attribute on non-namespace object");
                }
                ns.Entries[(member.Property as IdentifierNode ?? throw JinjaBuiltins.Fail("cannot assign to member with non-identifier property")).Name] = value;
                break;
            default:
                throw JinjaBuiltins.Fail("invalid left-hand side of an assignment");
        }
    }

    private string RenderFor(ForNode node, JinjaScope outer)
    {
        var scope = new JinjaScope(outer);
        JinjaNode? test = null;
        JinjaValue iterable;
        if (node.Iterable is SelectNode select)
        {
            iterable = Evaluate(select.Left, scope);
            test = select.Test;
        }
        else
        {
            iterable = Evaluate(node.Iterable, scope);
        }
        var candidates = iterable switch
        {
            JinjaArray array => array.Items,
            JinjaObject obj => obj.Entries.Keys.Select(key => (JinjaValue)new JinjaString(key)).ToList(),
            _ => throw JinjaBuiltins.Fail($"Expected iterable or object type in for loop: got {iterable.TypeName}"),
        };
        var items = new List<JinjaValue>();
        foreach (var current in candidates)
        {
            if (node.LoopVariable is TupleLiteralNode tuple)
            {
                if (current is not JinjaArray values)
                {
                    throw JinjaBuiltins.Fail($"Cannot unpack non-iterable type: {current.TypeName}");
                }
                if (values.Items.Count != tuple.Items.Count)
                {
                    throw JinjaBuiltins.Fail($"Too {(tuple.Items.Count > values.Items.Count ? "few" : "many")} items to unpack");
                }
            }
            if (test is not null)
            {
                var testScope = new JinjaScope(scope);
                BindLoopVariable(node.LoopVariable, current, testScope);
                if (!Evaluate(test, testScope).IsTruthy)
                {
                    continue;
                }
            }
            items.Add(current);
        }
        var result = new StringBuilder();
        var iterated = false;
        for (var index = 0; index < items.Count; index++)
        {
            scope.Set("loop", LoopObject(index, items));
            BindLoopVariable(node.LoopVariable, items[index], scope);
            try
            {
                result.Append(RenderBlock(node.Body, scope));
            }
            catch (ContinueSignal)
            {
                continue;
            }
            catch (BreakSignal)
            {
                break;
            }
            iterated = true;
        }
        if (!iterated)
        {
            result.Append(RenderBlock(node.DefaultBlock, scope));
        }
        return result.ToString();
    }

    private static JinjaObject LoopObject(int index, List<JinjaValue> items) => new(new OrderedDictionary<string, JinjaValue>(StringComparer.Ordinal)
    {
        ["index"] = new JinjaInteger(index + 1),
        ["index0"] = new JinjaInteger(index),
        ["revindex"] = new JinjaInteger(items.Count - index),
        ["revindex0"] = new JinjaInteger(items.Count - index - 1),
        ["first"] = JinjaBoolean.Of(index == 0),
        ["last"] = JinjaBoolean.Of(index == items.Count - 1),
        ["length"] = new JinjaInteger(items.Count),
        ["previtem"] = index > 0 ? items[index - 1] : JinjaUndefined.Instance,
        ["nextitem"] = index < items.Count - 1 ? items[index + 1] : JinjaUndefined.Instance,
    });

    private static void BindLoopVariable(JinjaNode loopVariable, JinjaValue current, JinjaScope scope)
    {
        if (loopVariable is IdentifierNode identifier)
        {
            scope.Set(identifier.Name, current);
            return;
        }
        var targets = ((TupleLiteralNode)loopVariable).Items;
        var values = ((JinjaArray)current).Items;
        for (var index = 0; index < targets.Count; index++)
        {
            scope.Set((targets[index] as IdentifierNode ?? throw JinjaBuiltins.Fail("cannot unpack to a non-identifier")).Name, values[index]);
        }
    }
}
