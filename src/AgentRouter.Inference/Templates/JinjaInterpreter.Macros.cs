namespace AgentRouter.Inference.Templates;

internal sealed partial class JinjaInterpreter
{
    private static readonly string[] SpecialMacroArguments = ["caller", "kwargs", "varargs"];

    private JinjaValue DefineMacro(MacroNode node, JinjaScope definingScope)
    {
        var special = AccessedSpecialArguments(node.Parameters, node.Body);
        definingScope.Set(node.Name.Name, new JinjaFunction((arguments, callSite) =>
        {
            // Lexical scope: the body sees the scope the macro was defined in, late-bound.
            var parent = definingScope;
            if (special.Contains("caller"))
            {
                parent = new JinjaScope(definingScope);
                parent.Set("caller", callSite.IsCallBlockScope && callSite.TryGetOwn("caller", out var caller) ? caller : JinjaUndefined.Instance);
            }
            var macroScope = new JinjaScope(parent);
            BindArguments($"'{node.Name.Name}'", node.Parameters, special, arguments, macroScope);
            return new JinjaString(RenderBlock(node.Body, macroScope));
        }));
        return JinjaNull.Instance;
    }

    private JinjaValue EvaluateCallBlock(CallBlockNode node, JinjaScope scope)
    {
        var parameters = node.CallerParameters ?? [];
        var special = AccessedSpecialArguments(parameters, node.Body);
        var caller = new JinjaFunction((arguments, _) =>
        {
            var callerScope = new JinjaScope(scope);
            BindArguments("None", parameters, special, arguments, callerScope);
            return new JinjaString(RenderBlock(node.Body, callerScope));
        });
        var (positional, keywords) = EvaluateArguments(node.Call.Arguments, scope);
        positional.Add(new JinjaKeywordArguments(keywords));
        if (Evaluate(node.Call.Callee, scope) is not JinjaFunction function)
        {
            throw JinjaBuiltins.Fail("Cannot call something that is not a function");
        }
        var callSite = new JinjaScope(scope) { IsCallBlockScope = true };
        callSite.Set("caller", caller);
        return function.Body(positional, callSite);
    }

    private void BindArguments(string displayName, IReadOnlyList<JinjaNode> parameters, HashSet<string> special, List<JinjaValue> arguments, JinjaScope scope)
    {
        var positional = new List<JinjaValue>(arguments);
        var keywords = new OrderedDictionary<string, JinjaValue>(StringComparer.Ordinal);
        if (positional.Count > 0 && positional[^1] is JinjaKeywordArguments passed)
        {
            keywords = new OrderedDictionary<string, JinjaValue>(passed.Entries, StringComparer.Ordinal);
            positional.RemoveAt(positional.Count - 1);
        }
        var pendingDefaults = new List<(string Name, JinjaNode Default)>();
        for (var index = 0; index < parameters.Count; index++)
        {
            var (name, defaultValue) = parameters[index] switch
            {
                IdentifierNode identifier => (identifier.Name, (JinjaNode?)null),
                KeywordArgumentNode keyword => (keyword.Key.Name, keyword.Value),
                _ => throw JinjaBuiltins.Fail("invalid macro parameter"),
            };
            var value = index < positional.Count ? positional[index] : null;
            if (value is null && keywords.Remove(name, out var keywordValue))
            {
                value = keywordValue;
            }
            if (value is null && defaultValue is not null)
            {
                pendingDefaults.Add((name, defaultValue));
            }
            scope.Set(name, value ?? JinjaUndefined.Instance);
        }
        if (special.Contains("kwargs"))
        {
            scope.Set("kwargs", new JinjaObject(keywords));
        }
        else if (keywords.Count > 0)
        {
            throw JinjaBuiltins.Fail($"macro {displayName} takes no keyword argument '{keywords.GetAt(0).Key}'");
        }
        if (special.Contains("varargs"))
        {
            scope.Set("varargs", new JinjaArray(positional.Skip(parameters.Count).ToList()));
        }
        else if (positional.Count > parameters.Count)
        {
            throw JinjaBuiltins.Fail($"macro {displayName} takes not more than {parameters.Count} argument(s)");
        }
        foreach (var (name, defaultValue) in pendingDefaults)
        {
            scope.Set(name, Evaluate(defaultValue, scope));
        }
    }

    /// <summary>caller / kwargs / varargs are provided only when the body reads them (approximating the reference's AST walk).</summary>
    private static HashSet<string> AccessedSpecialArguments(IReadOnlyList<JinjaNode> parameters, IReadOnlyList<JinjaNode> body)
    {
        var declared = parameters.Select(parameter => parameter switch
        {
            IdentifierNode identifier => identifier.Name,
            KeywordArgumentNode keyword => keyword.Key.Name,
            _ => "",
        }).ToHashSet();
        var accessed = new HashSet<string>();
        void Visit(object? item)
        {
            switch (item)
            {
                case IdentifierNode identifier when SpecialMacroArguments.Contains(identifier.Name) && !declared.Contains(identifier.Name):
                    accessed.Add(identifier.Name);
                    break;
                case MacroNode or CallBlockNode:
                    break; // their own special arguments are theirs
                case JinjaNode node:
                    foreach (var property in node.GetType().GetProperties())
                    {
                        if (property.Name != nameof(JinjaNode.Offset) && property.Name != "EqualityContract")
                        {
                            Visit(property.GetValue(node));
                        }
                    }
                    break;
                case System.Collections.IEnumerable sequence and not string:
                    foreach (var child in sequence)
                    {
                        Visit(child);
                    }
                    break;
                case System.Runtime.CompilerServices.ITuple tuple:
                    for (var index = 0; index < tuple.Length; index++)
                    {
                        Visit(tuple[index]);
                    }
                    break;
            }
        }
        Visit(body);
        return accessed;
    }
}
