namespace AgentRouter.Inference.Templates;

internal sealed partial class JinjaInterpreter
{
    private JinjaValue EvaluateBinary(BinaryNode node, JinjaScope scope)
    {
        var op = node.Operator;
        var left = Evaluate(node.Left, scope);
        switch (op)
        {
            case "and":
                return left.IsTruthy ? Evaluate(node.Right, scope) : left;
            case "or":
                return left.IsTruthy ? left : Evaluate(node.Right, scope);
        }
        var right = Evaluate(node.Right, scope);
        switch (op)
        {
            case "==":
                return JinjaBoolean.Of(JinjaBuiltins.LooseEquals(left, right));
            case "!=":
                return JinjaBoolean.Of(!JinjaBuiltins.LooseEquals(left, right));
        }
        if (left is JinjaInteger or JinjaFloat && right is JinjaInteger or JinjaFloat && op is not ("~" or "**"))
        {
            var a = JinjaFilters.Number(left);
            var b = JinjaFilters.Number(right);
            var isFloat = left is JinjaFloat || right is JinjaFloat;
            JinjaValue Numeric(double value) => isFloat ? new JinjaFloat(value) : new JinjaInteger(value);
            switch (op)
            {
                case "+": return Numeric(a + b);
                case "-": return Numeric(a - b);
                case "*": return Numeric(a * b);
                case "/": return new JinjaFloat(a / b);
                case "//": return Numeric(Math.Floor(a / b));
                case "%": return Numeric(a % b);
                case "<": return JinjaBoolean.Of(a < b);
                case ">": return JinjaBoolean.Of(a > b);
                case ">=": return JinjaBoolean.Of(a >= b);
                case "<=": return JinjaBoolean.Of(a <= b);
            }
        }
        else if (left is JinjaUndefined || right is JinjaUndefined)
        {
            if (right is JinjaUndefined && op is "in" or "not in")
            {
                return JinjaBoolean.Of(op == "not in");
            }
            if (op == "~" && left is not JinjaNull && right is not JinjaNull)
            {
                return new JinjaString((left is JinjaUndefined ? "" : left.ConcatenationText) + (right is JinjaUndefined ? "" : right.ConcatenationText));
            }
            throw JinjaBuiltins.Fail($"Cannot perform operation {op} on undefined values");
        }
        else if (left is JinjaNull || right is JinjaNull)
        {
            throw JinjaBuiltins.Fail("Cannot perform operation on null values");
        }
        else if (op == "~")
        {
            return new JinjaString(left.ConcatenationText + right.ConcatenationText);
        }
        else if (op == "**" && left is JinjaInteger or JinjaFloat or JinjaBoolean && right is JinjaInteger or JinjaFloat or JinjaBoolean)
        {
            var a = JinjaFilters.Number(left);
            var b = JinjaFilters.Number(right);
            if (a == 0 && b < 0)
            {
                throw JinjaBuiltins.Fail("0.0 cannot be raised to a negative power");
            }
            var power = Math.Pow(a, b);
            if (!double.IsFinite(power))
            {
                throw JinjaBuiltins.Fail("Exponentiation result is not a finite real number");
            }
            return left is JinjaFloat || right is JinjaFloat || b < 0 ? new JinjaFloat(power) : new JinjaInteger(power);
        }
        else if (left is JinjaArray leftArray && right is JinjaArray rightArray)
        {
            if (op == "+")
            {
                return new JinjaArray([.. leftArray.Items, .. rightArray.Items]);
            }
        }
        else if (right is JinjaArray members)
        {
            var contained = members.Items.Any(item => JinjaBuiltins.StrictEquals(item, left));
            switch (op)
            {
                case "in": return JinjaBoolean.Of(contained);
                case "not in": return JinjaBoolean.Of(!contained);
            }
        }
        if ((left is JinjaString || right is JinjaString) && op == "+")
        {
            return new JinjaString(left.ConcatenationText + right.ConcatenationText);
        }
        if (left is JinjaString needle && right is JinjaString haystack && op is "in" or "not in")
        {
            return JinjaBoolean.Of(haystack.Value.Contains(needle.Value, StringComparison.Ordinal) == (op == "in"));
        }
        if (left is JinjaString key && right is JinjaObject mapping && op is "in" or "not in")
        {
            return JinjaBoolean.Of(mapping.Entries.ContainsKey(key.Value) == (op == "in"));
        }
        throw JinjaBuiltins.Fail($"Unknown operator \"{op}\" between {left.TypeName} and {right.TypeName}");
    }

    private JinjaValue EvaluateUnary(UnaryNode node, JinjaScope scope)
    {
        var argument = Evaluate(node.Argument, scope);
        if (node.Operator == "not")
        {
            return JinjaBoolean.Of(!argument.IsTruthy);
        }
        if (argument is JinjaInteger or JinjaFloat or JinjaBoolean)
        {
            var value = (node.Operator == "-" ? -1 : 1) * JinjaFilters.Number(argument);
            return argument is JinjaFloat ? new JinjaFloat(value) : new JinjaInteger(value);
        }
        throw JinjaBuiltins.Fail($"Unknown operator \"{node.Operator}\" for {argument.TypeName}");
    }

    private JinjaValue EvaluateMember(MemberNode node, JinjaScope scope)
    {
        var target = Evaluate(node.Target, scope);
        JinjaValue property;
        if (node.Computed)
        {
            if (node.Property is SliceNode slice)
            {
                return EvaluateSlice(target, slice, scope);
            }
            property = Evaluate(node.Property, scope);
        }
        else
        {
            property = node.Property is IntegerLiteralNode integer ? new JinjaInteger(integer.Value) : new JinjaString(((IdentifierNode)node.Property).Name);
        }
        JinjaValue? value;
        switch (target)
        {
            case JinjaObject or JinjaNamespace:
                if (property is not JinjaString key)
                {
                    throw JinjaBuiltins.Fail($"Cannot access property with non-string: got {property.TypeName}");
                }
                var entries = target is JinjaObject obj ? obj.Entries : ((JinjaNamespace)target).Entries;
                value = entries.GetValueOrDefault(key.Value) ?? (target is JinjaObject mapping ? JinjaFilters.ObjectMember(mapping, key.Value) : null);
                break;
            case JinjaArray or JinjaString:
                if (property is JinjaInteger index)
                {
                    value = target is JinjaString text ? At(text.Value, index.Value) : At(((JinjaArray)target).Items, index.Value);
                }
                else if (property is JinjaString name)
                {
                    value = target is JinjaString text ? JinjaBuiltins.StringMember(text, name.Value)
                        : name.Value == "length" ? new JinjaInteger(((JinjaArray)target).Items.Count) : null;
                }
                else
                {
                    throw JinjaBuiltins.Fail($"Cannot access property with non-string/non-number: got {property.TypeName}");
                }
                break;
            default:
                if (property is not JinjaString)
                {
                    throw JinjaBuiltins.Fail($"Cannot access property with non-string: got {property.TypeName}");
                }
                value = null;
                break;
        }
        return value ?? JinjaUndefined.Instance;
    }

    /// <summary>JavaScript's Array.prototype.at / String.prototype.at (UTF-16 units; negative from the end).</summary>
    private static JinjaValue? At(List<JinjaValue> items, double index)
    {
        var position = (long)Math.Truncate(index);
        position = position < 0 ? items.Count + position : position;
        return position >= 0 && position < items.Count ? items[(int)position] : null;
    }

    private static JinjaValue? At(string text, double index)
    {
        var position = (long)Math.Truncate(index);
        position = position < 0 ? text.Length + position : position;
        return position >= 0 && position < text.Length ? new JinjaString(text[(int)position].ToString()) : null;
    }

    private JinjaValue EvaluateSlice(JinjaValue target, SliceNode node, JinjaScope scope)
    {
        if (target is not (JinjaArray or JinjaString))
        {
            throw JinjaBuiltins.Fail("Slice object must be an array or string");
        }
        double? Part(JinjaNode? part, string name) => Evaluate(part, scope) switch
        {
            JinjaInteger integer => integer.Value,
            JinjaUndefined => null,
            _ => throw JinjaBuiltins.Fail($"Slice {name} must be numeric or undefined"),
        };
        var start = Part(node.Start, "start");
        var stop = Part(node.Stop, "stop");
        var step = Part(node.Step, "step") ?? 1;
        if (target is JinjaArray array)
        {
            return new JinjaArray(Slice(array.Items, start, stop, step));
        }
        var codePoints = new List<string>();
        var text = ((JinjaString)target).Value;
        for (var index = 0; index < text.Length; index++)
        {
            var length = char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
            codePoints.Add(text.Substring(index, length));
            index += length - 1;
        }
        return new JinjaString(string.Concat(Slice(codePoints, start, stop, step)));
    }

    /// <summary>Python slicing as the reference implements it.</summary>
    private static List<T> Slice<T>(List<T> items, double? start, double? stop, double step)
    {
        var direction = Math.Sign(step);
        double first, last;
        if (direction >= 0)
        {
            first = (start ?? 0) < 0 ? Math.Max(items.Count + start!.Value, 0) : Math.Min(start ?? 0, items.Count);
            last = (stop ?? items.Count) < 0 ? Math.Max(items.Count + stop!.Value, 0) : Math.Min(stop ?? items.Count, items.Count);
        }
        else
        {
            first = (start ?? items.Count - 1) < 0 ? Math.Max(items.Count + start!.Value, -1) : Math.Min(start ?? items.Count - 1, items.Count - 1);
            last = (stop ?? -1) < -1 ? Math.Max(items.Count + stop!.Value, -1) : Math.Min(stop ?? -1, items.Count - 1);
        }
        var result = new List<T>();
        if (step == 0)
        {
            return result;
        }
        for (var index = first; direction * index < direction * last; index += step)
        {
            result.Add(items[(int)index]);
        }
        return result;
    }

    private JinjaValue EvaluateCall(CallNode node, JinjaScope scope)
    {
        var arguments = EvaluateCallArguments(node.Arguments, scope);
        var function = Evaluate(node.Callee, scope);
        if (function is not JinjaFunction callable)
        {
            throw JinjaBuiltins.Fail($"Cannot call something that is not a function: got {function.TypeName}" + (node.Callee is MemberNode { Property: IdentifierNode method } ? $" ('{method.Name}' is not a supported method)" : ""));
        }
        if (++_callDepth > MaxCallDepth)
        {
            throw JinjaBuiltins.Fail($"calls nest deeper than {MaxCallDepth} (runaway macro recursion?)");
        }
        try
        {
            return callable.Body(arguments, scope);
        }
        finally
        {
            _callDepth--;
        }
    }

    private List<JinjaValue> EvaluateCallArguments(IReadOnlyList<JinjaNode> arguments, JinjaScope scope)
    {
        if (!arguments.Any(argument => argument is KeywordArgumentNode or SpreadNode or KeywordSpreadNode))
        {
            return arguments.Select(argument => Evaluate(argument, scope)).ToList();
        }
        var (positional, keywords) = EvaluateArguments(arguments, scope);
        if (keywords.Count > 0)
        {
            positional.Add(new JinjaKeywordArguments(keywords));
        }
        return positional;
    }

    private (List<JinjaValue> Positional, OrderedDictionary<string, JinjaValue> Keywords) EvaluateArguments(IReadOnlyList<JinjaNode> arguments, JinjaScope scope)
    {
        var positional = new List<JinjaValue>();
        var keywords = new OrderedDictionary<string, JinjaValue>(StringComparer.Ordinal);
        void AddKeyword(string key, JinjaValue value)
        {
            if (!keywords.TryAdd(key, value))
            {
                throw JinjaBuiltins.Fail($"Got multiple values for keyword argument '{key}'");
            }
        }
        foreach (var argument in arguments)
        {
            if (argument is SpreadNode spread)
            {
                positional.AddRange(Evaluate(spread.Argument, scope) is JinjaArray array ? array.Items : throw JinjaBuiltins.Fail("Cannot unpack non-iterable type"));
            }
            else if (argument is not (KeywordArgumentNode or KeywordSpreadNode))
            {
                positional.Add(Evaluate(argument, scope));
            }
        }
        foreach (var argument in arguments)
        {
            if (argument is KeywordArgumentNode keyword)
            {
                AddKeyword(keyword.Key.Name, Evaluate(keyword.Value, scope));
            }
            else if (argument is KeywordSpreadNode keywordSpread)
            {
                if (Evaluate(keywordSpread.Argument, scope) is not JinjaObject mapping)
                {
                    throw JinjaBuiltins.Fail("Argument after ** must be a mapping");
                }
                foreach (var (key, value) in mapping.Entries)
                {
                    AddKeyword(key, value);
                }
            }
        }
        return (positional, keywords);
    }

    private JinjaValue ApplyFilter(JinjaValue operand, JinjaNode filter, JinjaScope scope)
    {
        if (filter is IdentifierNode identifier)
        {
            return JinjaFilters.Apply(operand, identifier.Name, null, null, scope);
        }
        var call = (CallNode)filter;
        var name = ((IdentifierNode)call.Callee).Name;
        if (name is "selectattr" or "rejectattr")
        {
            if (call.Arguments.Any(argument => argument is not StringLiteralNode))
            {
                throw JinjaBuiltins.Fail($"arguments of `{name}` must be strings");
            }
            return JinjaFilters.SelectAttribute(operand, name == "selectattr", call.Arguments.Select(argument => Evaluate(argument, scope)).ToList());
        }
        if (operand is JinjaObject && name is not ("tojson" or "join" or "int" or "float" or "default"))
        {
            // Mapping methods used as filters take the reference's plain calling convention.
            var arguments = EvaluateCallArguments(call.Arguments, scope);
            return JinjaFilters.ObjectMember((JinjaObject)operand, name) is { } method
                ? method.Body(arguments, scope)
                : throw JinjaBuiltins.Fail($"Unknown ObjectValue filter: {name}");
        }
        var (positional, keywords) = EvaluateArguments(call.Arguments, scope);
        return JinjaFilters.Apply(operand, name, positional, keywords, scope);
    }

    private JinjaValue EvaluateTest(TestNode node, JinjaScope scope)
    {
        var operand = Evaluate(node.Operand, scope);
        var result = JinjaBuiltins.Tests[node.Test.Name](operand, null);
        return JinjaBoolean.Of(node.Negate ? !result : result);
    }
}
