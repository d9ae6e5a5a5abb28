using System.Globalization;

namespace AgentRouter.Core.Suite.Domains;

/// <summary>"47+38=?": addition or subtraction of two numbers with 2, 3 or 4 digits (by difficulty).
/// Distractors are the slips people and small models make: off by one, a dropped or doubled carry,
/// swapped last digits. At difficulty 1 they differ from the result by 1 to 3 only, so the units digit decides.</summary>
internal sealed class ArithmeticQuestions : IQuestionMaker
{
    public string Domain => SuiteDomains.Arithmetic;

    public QuestionDraft? TryMake(SuiteRandom random, int difficulty)
    {
        var digits = difficulty + 1;
        var low = Pow10(digits - 1);
        var high = Pow10(digits) - 1;
        var a = random.Between(low, high);
        var b = random.Between(low, high);
        var add = random.Coin();
        if (!add && b > a)
        {
            (a, b) = (b, a);
        }

        var result = add ? a + b : a - b;
        var question = string.Create(CultureInfo.InvariantCulture, $"{a}{(add ? '+' : '-')}{b}=?");
        if (difficulty == 1)
        {
            return NumericDraft.FromCandidates(random, question, result, [result - 3, result - 2, result - 1, result + 1, result + 2, result + 3]);
        }

        var candidates = new List<int> { result + 1, result - 1, result + 2, result - 2, result + 10, result - 10, SwapLastDigits(result) };
        for (var place = 100; place < Pow10(digits); place *= 10)
        {
            candidates.Add(result + place);
            candidates.Add(result - place);
        }

        return NumericDraft.FromCandidates(random, question, result, candidates);
    }

    private static int SwapLastDigits(int value)
    {
        if (value < 10)
        {
            return value;
        }

        var ones = value % 10;
        var tens = value / 10 % 10;
        return value - ones - tens * 10 + ones * 10 + tens;
    }

    private static int Pow10(int exponent)
    {
        var value = 1;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}
