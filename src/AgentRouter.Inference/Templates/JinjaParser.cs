using System.Globalization;

namespace AgentRouter.Inference.Templates;

/// <summary>
/// The syntax tree of a template, following @huggingface/jinja 0.5.13's grammar and precedence. Statements it does
/// not know (include, extends, block, with, raw…) and filters or tests the renderer does not implement are refused
/// here, with their position, rather than when a rarely taken branch first runs.
/// </summary>
internal sealed class JinjaParser
{
    private static readonly HashSet<string> UnsupportedStatements = ["include", "import", "from", "extends", "block", "with", "raw", "autoescape", "do", "trans"];

    private readonly List<JinjaToken> _tokens;
    private readonly JinjaSource _source;
    private int _current;

    private JinjaParser(List<JinjaToken> tokens, JinjaSource source)
    {
        _tokens = tokens;
        _source = source;
    }

    public static TemplateBody Parse(List<JinjaToken> tokens, JinjaSource source)
    {
        var parser = new JinjaParser(tokens, source);
        var body = new List<JinjaNode>();
        while (parser._current < tokens.Count)
        {
            body.Add(parser.ParseAny());
        }
        return new TemplateBody(body);
    }

    private JinjaToken? Peek(int ahead = 0) => _current + ahead < _tokens.Count ? _tokens[_current + ahead] : null;

    private int Here => Peek()?.Offset ?? (_tokens.Count > 0 ? _tokens[^1].Offset : 0);

    private ChatTemplateException Error(string problem, int? offset = null, ChatTemplateErrorKind kind = ChatTemplateErrorKind.Syntax) =>
        _source.Error(kind, problem, offset ?? Here);

    private JinjaToken Expect(JinjaTokenType type, string what)
    {
        var token = Peek() ?? throw Error($"unexpected end of template: expected {what}");
        if (token.Type != type)
        {
            throw Error($"expected {what}, found {Describe(token)}");
        }
        _current++;
        return token;
    }

    private static string Describe(JinjaToken token) => token.Type switch
    {
        JinjaTokenType.Text => "text",
        JinjaTokenType.Identifier => $"'{token.Value}'",
        _ => $"'{token.Value}' ({token.Type})",
    };

    private void ExpectIdentifier(string name)
    {
        if (!IsIdentifier(name))
        {
            throw Error($"expected '{name}'");
        }
        _current++;
    }

    private bool Is(params JinjaTokenType[] types)
    {
        for (var index = 0; index < types.Length; index++)
        {
            if (Peek(index)?.Type != types[index])
            {
                return false;
            }
        }
        return true;
    }

    private bool IsIdentifier(params string[] names)
    {
        for (var index = 0; index < names.Length; index++)
        {
            if (Peek(index) is not { Type: JinjaTokenType.Identifier } token || token.Value != names[index])
            {
                return false;
            }
        }
        return true;
    }

    private bool IsStatement(params string[] names) =>
        Peek()?.Type == JinjaTokenType.OpenStatement && Peek(1) is { Type: JinjaTokenType.Identifier } name && names.Contains(name.Value);

    private List<JinjaNode> ParseUntil(string opener, int openedAt, params string[] ends)
    {
        var body = new List<JinjaNode>();
        while (!IsStatement(ends))
        {
            if (_current >= _tokens.Count)
            {
                throw Error($"'{opener}' is never closed (expected {{% {string.Join(" %} or {% ", ends)} %}})", openedAt);
            }
            body.Add(ParseAny());
        }
        return body;
    }

    private JinjaNode ParseAny()
    {
        var token = Peek()!;
        switch (token.Type)
        {
            case JinjaTokenType.Comment:
                _current++;
                return new CommentNode(token.Offset);
            case JinjaTokenType.Text:
                _current++;
                return new StringLiteralNode(token.Value, token.Offset);
            case JinjaTokenType.OpenStatement:
                return ParseStatement();
            case JinjaTokenType.OpenExpression:
                _current++;
                var expression = ParseExpression();
                Expect(JinjaTokenType.CloseExpression, "'}}'");
                return expression;
            default:
                throw Error($"unexpected {Describe(token)}");
        }
    }

    private void CloseEnd(string name)
    {
        Expect(JinjaTokenType.OpenStatement, "'{%'");
        ExpectIdentifier(name);
        Expect(JinjaTokenType.CloseStatement, "'%}'");
    }

    private JinjaNode ParseStatement()
    {
        var open = Expect(JinjaTokenType.OpenStatement, "'{%'");
        var nameToken = Peek() ?? throw Error("unexpected end of template after '{%'");
        if (nameToken.Type != JinjaTokenType.Identifier)
        {
            throw Error($"expected a statement name after '{{%', found {Describe(nameToken)}");
        }
        var at = open.Offset;
        _current++;
        switch (nameToken.Value)
        {
            case "set":
                return ParseSet(at);
            case "if":
                var ifNode = ParseIf(at);
                CloseEnd("endif");
                return ifNode;
            case "for":
                var forNode = ParseFor(at);
                CloseEnd("endfor");
                return forNode;
            case "macro":
                var name = ParsePrimary() as IdentifierNode ?? throw Error("expected a name after 'macro'", at);
                var parameters = ParseArguments(parameters: true);
                Expect(JinjaTokenType.CloseStatement, "'%}'");
                var macroBody = ParseUntil("macro", at, "endmacro");
                CloseEnd("endmacro");
                return new MacroNode(name, parameters, macroBody, at);
            case "call":
                List<JinjaNode>? callerParameters = Is(JinjaTokenType.OpenParen) ? ParseArguments(parameters: true) : null;
                var callee = ParsePrimary() as IdentifierNode ?? throw Error("expected a macro name after 'call'", at);
                var call = new CallNode(callee, ParseArguments(parameters: false), at);
                Expect(JinjaTokenType.CloseStatement, "'%}'");
                var callBody = ParseUntil("call", at, "endcall");
                CloseEnd("endcall");
                return new CallBlockNode(call, callerParameters, callBody, at);
            case "filter":
                var filter = ParsePrimary();
                if (filter is IdentifierNode && Is(JinjaTokenType.OpenParen))
                {
                    filter = ParseCall(filter);
                }
                CheckFilterName(filter);
                Expect(JinjaTokenType.CloseStatement, "'%}'");
                var filterBody = ParseUntil("filter", at, "endfilter");
                CloseEnd("endfilter");
                return new FilterBlockNode(filter, filterBody, at);
            case "break":
                Expect(JinjaTokenType.CloseStatement, "'%}'");
                return new BreakNode(at);
            case "continue":
                Expect(JinjaTokenType.CloseStatement, "'%}'");
                return new ContinueNode(at);
            case var other when UnsupportedStatements.Contains(other):
                throw Error($"the '{other}' statement is not supported", nameToken.Offset, ChatTemplateErrorKind.UnsupportedFeature);
            case var other:
                throw Error($"unknown statement '{other}'", nameToken.Offset);
        }
    }

    private SetNode ParseSet(int at)
    {
        var assignee = ParseExpressionSequence(primary: false);
        if (Is(JinjaTokenType.Equals))
        {
            _current++;
            var value = ParseExpressionSequence(primary: false);
            Expect(JinjaTokenType.CloseStatement, "'%}'");
            return new SetNode(assignee, value, [], at);
        }
        Expect(JinjaTokenType.CloseStatement, "'%}' or '='");
        var body = ParseUntil("set", at, "endset");
        Expect(JinjaTokenType.OpenStatement, "'{%'");
        ExpectIdentifier("endset");
        Expect(JinjaTokenType.CloseStatement, "'%}'");
        return new SetNode(assignee, null, body, at);
    }

    private IfNode ParseIf(int at)
    {
        var test = ParseExpression();
        Expect(JinjaTokenType.CloseStatement, "'%}'");
        var body = ParseUntil("if", at, "elif", "else", "endif");
        var alternate = new List<JinjaNode>();
        if (IsStatement("elif"))
        {
            var elifAt = Peek()!.Offset;
            _current += 2;
            alternate.Add(ParseIf(elifAt));
        }
        else if (IsStatement("else"))
        {
            _current += 2;
            Expect(JinjaTokenType.CloseStatement, "'%}'");
            alternate = ParseUntil("if", at, "endif");
        }
        return new IfNode(test, body, alternate, at);
    }

    private ForNode ParseFor(int at)
    {
        var loopVariable = ParseExpressionSequence(primary: true);
        if (loopVariable is not (IdentifierNode or TupleLiteralNode))
        {
            throw Error("expected a name or a tuple of names as the loop variable", at);
        }
        if (!IsIdentifier("in"))
        {
            throw Error("expected 'in' after the loop variable");
        }
        _current++;
        var iterable = ParseExpression();
        Expect(JinjaTokenType.CloseStatement, "'%}'");
        var body = ParseUntil("for", at, "endfor", "else");
        var defaultBlock = new List<JinjaNode>();
        if (IsStatement("else"))
        {
            _current += 2;
            Expect(JinjaTokenType.CloseStatement, "'%}'");
            defaultBlock = ParseUntil("for", at, "endfor");
        }
        return new ForNode(loopVariable, iterable, body, defaultBlock, at);
    }

    private JinjaNode ParseExpressionSequence(bool primary)
    {
        var at = Here;
        var first = primary ? ParsePrimary() : ParseExpression();
        if (!Is(JinjaTokenType.Comma))
        {
            return first;
        }
        var items = new List<JinjaNode> { first };
        while (Is(JinjaTokenType.Comma))
        {
            _current++;
            items.Add(primary ? ParsePrimary() : ParseExpression());
        }
        return new TupleLiteralNode(items, at);
    }

    private JinjaNode ParseExpression() => ParseIfExpression();

    private JinjaNode ParseIfExpression()
    {
        var value = ParseOr();
        if (!IsIdentifier("if"))
        {
            return value;
        }
        var at = Here;
        _current++;
        var test = ParseOr();
        if (IsIdentifier("else"))
        {
            _current++;
            return new TernaryNode(test, value, ParseIfExpression(), at);
        }
        return new SelectNode(value, test, at);
    }

    private JinjaNode ParseOr()
    {
        var left = ParseAnd();
        while (IsIdentifier("or"))
        {
            var at = Here;
            _current++;
            left = new BinaryNode("or", left, ParseAnd(), at);
        }
        return left;
    }

    private JinjaNode ParseAnd()
    {
        var left = ParseNot();
        while (IsIdentifier("and"))
        {
            var at = Here;
            _current++;
            left = new BinaryNode("and", left, ParseNot(), at);
        }
        return left;
    }

    private JinjaNode ParseNot()
    {
        if (IsIdentifier("not"))
        {
            var at = Here;
            _current++;
            return new UnaryNode("not", ParseNot(), at);
        }
        return ParseComparison();
    }

    private JinjaNode ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            var at = Here;
            string op;
            if (IsIdentifier("not", "in"))
            {
                op = "not in";
                _current += 2;
            }
            else if (IsIdentifier("in"))
            {
                op = "in";
                _current++;
            }
            else if (Is(JinjaTokenType.ComparisonBinaryOperator))
            {
                op = _tokens[_current++].Value;
            }
            else
            {
                return left;
            }
            left = new BinaryNode(op, left, ParseAdditive(), at);
        }
    }

    private JinjaNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Is(JinjaTokenType.AdditiveBinaryOperator))
        {
            var token = _tokens[_current++];
            left = new BinaryNode(token.Value, left, ParseMultiplicative(), token.Offset);
        }
        return left;
    }

    private JinjaNode ParseMultiplicative()
    {
        var left = ParsePower();
        while (Is(JinjaTokenType.MultiplicativeBinaryOperator))
        {
            var token = _tokens[_current++];
            left = new BinaryNode(token.Value, left, ParsePower(), token.Offset);
        }
        return left;
    }

    private JinjaNode ParsePower()
    {
        var left = ParseTest();
        while (Is(JinjaTokenType.ExponentiationBinaryOperator))
        {
            var token = _tokens[_current++];
            left = new BinaryNode("**", left, ParseTest(), token.Offset);
        }
        return left;
    }

    private JinjaNode ParseTest()
    {
        var operand = ParseFilter();
        while (IsIdentifier("is"))
        {
            var at = Here;
            _current++;
            var negate = IsIdentifier("not");
            if (negate)
            {
                _current++;
            }
            var testAt = Here;
            if (ParsePrimary() is not IdentifierNode test)
            {
                throw Error("expected a test name after 'is'", testAt);
            }
            if (!JinjaBuiltins.Tests.ContainsKey(test.Name))
            {
                throw Error($"the test '{test.Name}' is not supported", testAt, ChatTemplateErrorKind.UnsupportedFeature);
            }
            operand = new TestNode(operand, negate, test, at);
        }
        return operand;
    }

    private JinjaNode ParseFilter()
    {
        var operand = ParseUnarySign();
        while (Is(JinjaTokenType.Pipe))
        {
            var at = Here;
            _current++;
            JinjaNode filter = ParsePrimary() as IdentifierNode ?? throw Error("expected a filter name after '|'");
            if (Is(JinjaTokenType.OpenParen))
            {
                filter = ParseCall(filter);
            }
            CheckFilterName(filter);
            operand = new FilterNode(operand, filter, at);
        }
        return operand;
    }

    private void CheckFilterName(JinjaNode filter)
    {
        var name = filter switch
        {
            IdentifierNode identifier => identifier.Name,
            CallNode { Callee: IdentifierNode identifier } => identifier.Name,
            _ => throw Error("expected a filter name", filter.Offset),
        };
        if (!JinjaBuiltins.FilterNames.Contains(name))
        {
            throw Error($"the filter '{name}' is not supported", filter.Offset, ChatTemplateErrorKind.UnsupportedFeature);
        }
    }

    private JinjaNode ParseUnarySign()
    {
        if (Peek() is { Type: JinjaTokenType.UnaryOperator or JinjaTokenType.AdditiveBinaryOperator, Value: "-" or "+" } token)
        {
            _current++;
            return new UnaryNode(token.Value, ParseUnarySign(), token.Offset);
        }
        var member = ParseMember(ParsePrimary());
        return Is(JinjaTokenType.OpenParen) ? ParseCall(member) : member;
    }

    private JinjaNode ParseCall(JinjaNode callee)
    {
        JinjaNode expression = new CallNode(callee, ParseArguments(parameters: false), callee.Offset);
        expression = ParseMember(expression);
        return Is(JinjaTokenType.OpenParen) ? ParseCall(expression) : expression;
    }

    private List<JinjaNode> ParseArguments(bool parameters)
    {
        Expect(JinjaTokenType.OpenParen, "'('");
        var arguments = new List<JinjaNode>();
        var names = new HashSet<string>();
        var sawKeyword = false;
        var sawSpread = false;
        while (!Is(JinjaTokenType.CloseParen))
        {
            if (_current >= _tokens.Count)
            {
                throw Error("unexpected end of template in an argument list");
            }
            var at = Here;
            var keywordSpread = Is(JinjaTokenType.ExponentiationBinaryOperator);
            var positionalSpread = Peek() is { Type: JinjaTokenType.MultiplicativeBinaryOperator, Value: "*" };
            if (parameters && (keywordSpread || positionalSpread))
            {
                throw Error("argument unpacking is not allowed in parameter declarations");
            }
            if (keywordSpread)
            {
                _current++;
                arguments.Add(new KeywordSpreadNode(ParseExpression(), at));
                if (Is(JinjaTokenType.Comma))
                {
                    _current++;
                }
                if (!Is(JinjaTokenType.CloseParen))
                {
                    throw Error("'**' must be applied to the final argument");
                }
                break;
            }
            JinjaNode argument;
            if (positionalSpread)
            {
                if (sawSpread)
                {
                    throw Error("only one '*' argument unpacking is allowed");
                }
                sawSpread = true;
                _current++;
                argument = new SpreadNode(ParseExpression(), at);
            }
            else
            {
                argument = ParseExpression();
                if (Is(JinjaTokenType.Equals))
                {
                    _current++;
                    var key = argument as IdentifierNode ?? throw Error(parameters ? "expected a name for a parameter" : "expected a name for a keyword argument", at);
                    argument = new KeywordArgumentNode(key, ParseExpression(), at);
                }
                if (parameters)
                {
                    var name = argument switch
                    {
                        IdentifierNode identifier => identifier.Name,
                        KeywordArgumentNode keyword => keyword.Key.Name,
                        _ => throw Error("expected a name for a parameter", at),
                    };
                    if (!names.Add(name))
                    {
                        throw Error($"duplicate parameter name: {name}", at);
                    }
                }
                if (argument is KeywordArgumentNode)
                {
                    sawKeyword = true;
                }
                else if (sawKeyword)
                {
                    throw Error(parameters ? "non-default argument follows default argument" : "positional arguments must come before keyword arguments", at);
                }
                else if (sawSpread)
                {
                    throw Error("positional arguments must not follow '*' argument unpacking", at);
                }
            }
            arguments.Add(argument);
            if (Is(JinjaTokenType.Comma))
            {
                _current++;
            }
        }
        Expect(JinjaTokenType.CloseParen, "')'");
        return arguments;
    }

    private JinjaNode ParseMember(JinjaNode target)
    {
        while (Is(JinjaTokenType.Dot) || Is(JinjaTokenType.OpenSquareBracket))
        {
            var token = _tokens[_current++];
            if (token.Type == JinjaTokenType.OpenSquareBracket)
            {
                var property = ParseSubscript(token.Offset);
                Expect(JinjaTokenType.CloseSquareBracket, "']'");
                target = new MemberNode(target, property, true, token.Offset);
            }
            else
            {
                var property = ParsePrimary();
                if (property is not (IdentifierNode or IntegerLiteralNode))
                {
                    throw Error("expected a name or an integer after '.'", token.Offset);
                }
                target = new MemberNode(target, property, false, token.Offset);
            }
        }
        return target;
    }

    private JinjaNode ParseSubscript(int at)
    {
        var parts = new List<JinjaNode?>();
        var isSlice = false;
        while (!Is(JinjaTokenType.CloseSquareBracket))
        {
            if (_current >= _tokens.Count)
            {
                throw Error("unexpected end of template in '[...]'", at);
            }
            if (Is(JinjaTokenType.Colon))
            {
                parts.Add(null);
                _current++;
                isSlice = true;
            }
            else
            {
                parts.Add(ParseExpression());
                if (Is(JinjaTokenType.Colon))
                {
                    _current++;
                    isSlice = true;
                }
            }
        }
        if (parts.Count == 0)
        {
            throw Error("expected at least one argument in '[...]'", at);
        }
        if (!isSlice)
        {
            return parts[0]!;
        }
        if (parts.Count > 3)
        {
            throw Error("expected 0-3 arguments for a slice", at);
        }
        return new SliceNode(parts.ElementAtOrDefault(0), parts.ElementAtOrDefault(1), parts.ElementAtOrDefault(2), at);
    }

    private JinjaNode ParsePrimary()
    {
        var token = Peek() ?? throw Error("unexpected end of template in an expression");
        _current++;
        switch (token.Type)
        {
            case JinjaTokenType.NumericLiteral:
                var number = double.Parse(token.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                return token.Value.Contains('.') ? new FloatLiteralNode(number, token.Offset) : new IntegerLiteralNode(number, token.Offset);
            case JinjaTokenType.StringLiteral:
                var value = token.Value;
                while (Is(JinjaTokenType.StringLiteral))
                {
                    value += _tokens[_current++].Value;
                }
                return new StringLiteralNode(value, token.Offset);
            case JinjaTokenType.Identifier:
                return new IdentifierNode(token.Value, token.Offset);
            case JinjaTokenType.OpenParen:
                var expression = ParseExpressionSequence(primary: false);
                Expect(JinjaTokenType.CloseParen, "')'");
                return expression;
            case JinjaTokenType.OpenSquareBracket:
                var items = new List<JinjaNode>();
                while (!Is(JinjaTokenType.CloseSquareBracket))
                {
                    if (_current >= _tokens.Count)
                    {
                        throw Error("'[' is never closed", token.Offset);
                    }
                    items.Add(ParseExpression());
                    if (Is(JinjaTokenType.Comma))
                    {
                        _current++;
                    }
                }
                _current++;
                return new ArrayLiteralNode(items, token.Offset);
            case JinjaTokenType.OpenCurlyBracket:
                var entries = new List<(JinjaNode, JinjaNode)>();
                while (!Is(JinjaTokenType.CloseCurlyBracket))
                {
                    if (_current >= _tokens.Count)
                    {
                        throw Error("'{' is never closed", token.Offset);
                    }
                    var key = ParseExpression();
                    Expect(JinjaTokenType.Colon, "':' between key and value");
                    entries.Add((key, ParseExpression()));
                    if (Is(JinjaTokenType.Comma))
                    {
                        _current++;
                    }
                }
                _current++;
                return new ObjectLiteralNode(entries, token.Offset);
            default:
                throw Error($"unexpected {Describe(token)}", token.Offset);
        }
    }
}
