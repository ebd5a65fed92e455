using System.Collections.Frozen;

namespace PledgFunctions.Money;

/// <summary>Supported ISO 4217 currencies and their minor-unit exponents. Amounts are always
/// integers in the minor unit (cents for EUR; JPY and KRW have none).</summary>
public static class Currencies
{
    /// <summary>The contract's upper bound for a purchase, in minor units.</summary>
    public const long MaxAmount = 100_000_000;

    private static readonly FrozenDictionary<string, int> Exponents = new Dictionary<string, int>
    {
        ["EUR"] = 2, ["GBP"] = 2, ["USD"] = 2, ["CHF"] = 2, ["CZK"] = 2, ["NZD"] = 2,
        ["JPY"] = 0, ["KRW"] = 0,
        ["SEK"] = 2, ["DKK"] = 2, ["NOK"] = 2, ["PLN"] = 2, ["CAD"] = 2, ["AUD"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Supported => Exponents.Keys;

    /// <summary>Upper-case codes only, as the contract says.</summary>
    public static bool IsSupported(string? code) => code is not null && Exponents.ContainsKey(code);

    public static int Exponent(string code) => Exponents[code];
}
