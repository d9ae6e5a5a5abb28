using System.Globalization;
using System.Text;

namespace AgentRouter.Inference.Templates;

/// <summary>
/// A runtime value, mirroring @huggingface/jinja's: numbers are JavaScript doubles (integer or float by how they
/// were written), objects keep insertion order, and text conversion follows JavaScript (true → "true", 1.0 → "1.0").
/// </summary>
internal abstract class JinjaValue
{
    public abstract string TypeName { get; }

    public virtual bool IsTruthy => true;

    /// <summary>What <c>{{ value }}</c> prints (the reference's <c>toString()</c>).</summary>
    public abstract string Render();

    /// <summary>JavaScript's <c>value.toString()</c> of the underlying value, used by '+' and '~' concatenation.</summary>
    public virtual string ConcatenationText => Render();

    /// <summary>The underlying value for JavaScript's loose (==) and strict (===) equality.</summary>
    public virtual object? Primitive => this;
}

internal sealed class JinjaInteger(double value) : JinjaValue
{
    public double Value { get; } = value;
    public override string TypeName => "IntegerValue";
    public override bool IsTruthy => Value != 0 && !double.IsNaN(Value);
    public override string Render() => JavaScriptNumber.ToString(Value);
    public override object? Primitive => Value;
}

internal sealed class JinjaFloat(double value) : JinjaValue
{
    public double Value { get; } = value;
    public override string TypeName => "FloatValue";
    public override bool IsTruthy => Value != 0 && !double.IsNaN(Value);

    public override string Render()
    {
        if (Value == 0 && double.IsNegative(Value))
        {
            return "-0.0";
        }
        return Value % 1 == 0 && Math.Abs(Value) < 1e21 ? Value.ToString("0.0", CultureInfo.InvariantCulture) : JavaScriptNumber.ToString(Value);
    }

    public override string ConcatenationText => JavaScriptNumber.ToString(Value);
    public override object? Primitive => Value;
}

internal sealed class JinjaString(string value) : JinjaValue
{
    public string Value { get; } = value;
    public override string TypeName => "StringValue";
    public override bool IsTruthy => Value.Length > 0;
    public override string Render() => Value;
    public override object? Primitive => Value;
}

internal sealed class JinjaBoolean : JinjaValue
{
    public static readonly JinjaBoolean True = new(true), False = new(false);

    private JinjaBoolean(bool value) => Value = value;

    public bool Value { get; }
    public static JinjaBoolean Of(bool value) => value ? True : False;
    public override string TypeName => "BooleanValue";
    public override bool IsTruthy => Value;
    public override string Render() => Value ? "true" : "false";
    public override object? Primitive => Value;
}

internal class JinjaArray(List<JinjaValue> items) : JinjaValue
{
    public List<JinjaValue> Items { get; } = items;
    public override string TypeName => "ArrayValue";
    public override bool IsTruthy => Items.Count > 0;
    public override string Render() => JinjaJson.Serialize(this, new JinjaJsonOptions(), undefinedAsNull: false);
    public override string ConcatenationText => string.Join(",", Items.Select(item => item.Render()));
}

internal sealed class JinjaTuple(List<JinjaValue> items) : JinjaArray(items)
{
    public override string TypeName => "TupleValue";
}

internal class JinjaObject(OrderedDictionary<string, JinjaValue> entries) : JinjaValue
{
    public OrderedDictionary<string, JinjaValue> Entries { get; } = entries;
    public override string TypeName => "ObjectValue";
    public override bool IsTruthy => Entries.Count > 0;
    public override string Render() => JinjaJson.Serialize(this, new JinjaJsonOptions(), undefinedAsNull: false);
    public override string ConcatenationText => "[object Map]";
}

internal sealed class JinjaKeywordArguments(OrderedDictionary<string, JinjaValue> entries) : JinjaObject(entries)
{
    public override string TypeName => "KeywordArgumentsValue";
}

/// <summary>A mutable <c>namespace(...)</c>: attribute access and assignment, no mapping methods.</summary>
internal sealed class JinjaNamespace(OrderedDictionary<string, JinjaValue> entries) : JinjaValue
{
    public OrderedDictionary<string, JinjaValue> Entries { get; } = entries;
    public override string TypeName => "NamespaceValue";
    public override string Render() => JinjaJson.Serialize(this, new JinjaJsonOptions(), undefinedAsNull: false);
    public override string ConcatenationText => "[object Map]";
}

internal sealed class JinjaFunction(Func<List<JinjaValue>, JinjaScope, JinjaValue> body) : JinjaValue
{
    public Func<List<JinjaValue>, JinjaScope, JinjaValue> Body { get; } = body;
    public override string TypeName => "FunctionValue";
    public override string Render() => throw new ChatTemplateException(ChatTemplateErrorKind.UnsupportedFeature, "printing a function is not supported");
}

internal sealed class JinjaNull : JinjaValue
{
    public static readonly JinjaNull Instance = new();
    public override string TypeName => "NullValue";
    public override bool IsTruthy => false;
    public override string Render() => "null";
    public override object? Primitive => null;
}

internal sealed class JinjaUndefined : JinjaValue
{
    public static readonly JinjaUndefined Instance = new();
    public override string TypeName => "UndefinedValue";
    public override bool IsTruthy => false;
    public override string Render() => "undefined";
    public override object? Primitive => Instance;
}

/// <summary>JavaScript's Number → string conversion (shortest round-trip digits, exponent beyond 1e21 / 1e-7).</summary>
internal static class JavaScriptNumber
{
    public static string ToString(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0)
        {
            return "0";
        }
        var roundTrip = Math.Abs(value).ToString("E16", CultureInfo.InvariantCulture);
        // Shortest digits: try increasing precision until the value round-trips.
        for (var precision = 1; precision <= 17; precision++)
        {
            roundTrip = Math.Abs(value).ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
            if (double.Parse(roundTrip, CultureInfo.InvariantCulture) == Math.Abs(value))
            {
                break;
            }
        }
        var exponentAt = roundTrip.IndexOf('E');
        var digits = roundTrip[..exponentAt].Replace(".", "", StringComparison.Ordinal).TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        var exponent = int.Parse(roundTrip[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        var k = digits.Length;
        var n = exponent + 1;
        var text = new StringBuilder(value < 0 ? "-" : "");
        if (k <= n && n <= 21)
        {
            text.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            text.Append(digits[0]);
            if (k > 1)
            {
                text.Append('.').Append(digits, 1, k - 1);
            }
            text.Append('e').Append(n - 1 >= 0 ? "+" : "-").Append(Math.Abs(n - 1));
        }
        return text.ToString();
    }
}
