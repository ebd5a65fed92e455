
namespace PledgFunctions.Payments;

/// <summary>A card as the hosted pages send it. Lives only for the request: never stored, never logged.</summary>
public sealed record CardInput(string? Number, int? ExpMonth, int? ExpYear, string? Cvc)
{
    /// <summary>Keeps the number and CVC out of any log line or exception message that prints the record.</summary>
    public override string ToString() => "CardInput { redacted }";
}

/// <summary>A card that passed the checks: what the gateway needs, and what we may keep (brand, last four).</summary>
public sealed record ValidCard(string Number, int ExpMonth, int ExpYear, string Brand)
{
    public string Last4 => Number[^4..];

    public override string ToString() => $"{Brand} ****{Last4}";
}

public static class CardValidation
{
    /// <summary>Luhn, length, expiry (not before the current month) and CVC; errors are keyed
    /// <c>card.number</c>, <c>card.expMonth</c>, <c>card.expYear</c>, <c>card.cvc</c>.</summary>
    public static ValidCard? Validate(CardInput? card, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (card is null) { errors["card"] = ["Required."]; return null; }
        var number = new string((card.Number ?? "").Where(c => c is not (' ' or '-')).ToArray());
        if (number.Length == 0) errors["card.number"] = ["Required."];
        else if (number.Length is < 12 or > 19 || !number.All(char.IsAsciiDigit)) errors["card.number"] = ["Must be 12 to 19 digits."];
        else if (!PassesLuhn(number)) errors["card.number"] = ["This card number is not valid."];

        if (card.ExpMonth is not (>= 1 and <= 12)) errors["card.expMonth"] = ["Required, from 1 to 12."];
        if (card.ExpYear is not (>= 2000 and <= 2100)) errors["card.expYear"] = ["Required, a four-digit year."];
        else if (card.ExpMonth is >= 1 and <= 12)
        {
            var today = now.UtcDateTime;
            if (card.ExpYear < today.Year) errors["card.expYear"] = ["The card has expired."];
            else if (card.ExpYear == today.Year && card.ExpMonth < today.Month) errors["card.expMonth"] = ["The card has expired."];
        }

        if (card.Cvc is not { Length: 3 or 4 } cvc || !cvc.All(char.IsAsciiDigit)) errors["card.cvc"] = ["Must be 3 or 4 digits."];
        return errors.Count == 0 ? new ValidCard(number, card.ExpMonth!.Value, card.ExpYear!.Value, BrandOf(number)) : null;
    }

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt && (d *= 2) > 9) d -= 9;
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    public static string BrandOf(string number) => number switch
    {
        ['4', ..] => "visa",
        ['3', '4' or '7', ..] => "amex",
        ['5', >= '1' and <= '5', ..] => "mastercard",
        ['2', ..] when int.Parse(number.AsSpan(0, 4)) is >= 2221 and <= 2720 => "mastercard",
        ['6', ..] => "discover",
        _ => "unknown",
    };
}
