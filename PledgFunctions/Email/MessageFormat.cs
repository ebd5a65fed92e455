using System.Text;
using PledgFunctions.Money;

namespace PledgFunctions.Email;

/// <summary>Amounts and dates as a reader of <c>en</c> or <c>fr</c> writes them. By hand, not through
/// CultureInfo: the service runs with invariant globalization (no ICU data), and amounts must come
/// exactly from the integer minor units, never through a float.</summary>
public static class MessageFormat
{
    /// <summary>French groups thousands with a narrow no-break space and puts a no-break space before
    /// the symbol (as CLDR does), so an amount never breaks across two lines.</summary>
    public const char FrenchGroupSeparator = '\u202F';
    public const char FrenchSymbolSpace = '\u00A0';

    private static readonly string[] EnglishMonths =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] FrenchMonths =
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

    /// <summary>en: symbol before (<c>€120.00</c>, <c>¥1,500</c>, <c>CHF 120.00</c>);
    /// fr: symbol after (<c>120,00 €</c>, <c>1 500 ¥</c>).</summary>
    public static string Amount(long minorUnits, string currency, string locale)
    {
        var french = IsFrench(locale);
        var exponent = Currencies.IsSupported(currency) ? Currencies.Exponent(currency) : 2;
        var number = Number(minorUnits, exponent, french ? FrenchGroupSeparator : ',', french ? ',' : '.');
        var (en, fr) = Symbol(currency);
        if (french) return $"{number}{FrenchSymbolSpace}{fr}";
        // A code (CHF, SEK) reads as a word: a space between it and the number; a sign (€, $) sits against it.
        return en.All(char.IsAsciiLetterUpper) ? $"{en} {number}" : en + number;
    }

    /// <summary>en: <c>24 November 2026, 18:00 UTC</c>; fr: <c>24 novembre 2026 à 18:00 UTC</c>.</summary>
    public static string Date(DateTimeOffset when, string locale)
    {
        var utc = when.ToUniversalTime();
        var time = $"{utc.Hour:00}:{utc.Minute:00} UTC";
        return IsFrench(locale)
            ? $"{utc.Day} {FrenchMonths[utc.Month - 1]} {utc.Year} à {time}"
            : $"{utc.Day} {EnglishMonths[utc.Month - 1]} {utc.Year}, {time}";
    }

    public static bool IsFrench(string? locale) =>
        locale is not null && (locale.Equals("fr", StringComparison.OrdinalIgnoreCase) || locale.StartsWith("fr-", StringComparison.OrdinalIgnoreCase));

    private static string Number(long minorUnits, int exponent, char group, char decimalMark)
    {
        // Digits of |minorUnits| as text: long.MinValue has no positive counterpart, the string does.
        var digits = minorUnits.ToString(System.Globalization.CultureInfo.InvariantCulture).TrimStart('-');
        digits = digits.PadLeft(exponent + 1, '0');
        var whole = digits[..^exponent];
        var fraction = digits[^exponent..];
        var text = new StringBuilder(minorUnits < 0 ? "-" : "");
        for (var i = 0; i < whole.Length; i++)
        {
            if (i > 0 && (whole.Length - i) % 3 == 0) text.Append(group);
            text.Append(whole[i]);
        }
        if (exponent > 0) text.Append(decimalMark).Append(fraction);
        return text.ToString();
    }

    /// <summary>The symbol each language uses; an unknown code stands for itself.</summary>
    private static (string En, string Fr) Symbol(string currency) => currency switch
    {
        "EUR" => ("€", "€"),
        "GBP" => ("£", "£"),
        "USD" => ("$", "$US"),
        "CAD" => ("CA$", "$CA"),
        "AUD" => ("A$", "$AU"),
        "NZD" => ("NZ$", "$NZ"),
        "JPY" => ("¥", "¥"),
        "KRW" => ("₩", "₩"),
        _ => (currency, currency),
    };
}
