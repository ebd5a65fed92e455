using Microsoft.Kiota.Abstractions.Serialization;

namespace PledgFunctions.Client.Generated.Models;

/// <summary>The exception every error answer throws (Kiota maps each documented status to it):
/// <see cref="Code"/> says what went wrong, <see cref="FieldErrors"/> which fields were invalid.</summary>
public partial class Problem
{
    /// <summary><c>errors</c> as a map from a field path (<c>cart[0].unitAmount</c>) to its messages; empty when none.</summary>
    public IReadOnlyDictionary<string, string[]> FieldErrors =>
        Errors?.AdditionalData.ToDictionary(e => e.Key, e => Messages(e.Value)) ?? new Dictionary<string, string[]>();

    private static string[] Messages(object value) => value switch
    {
        UntypedArray array => [.. array.GetValue().OfType<UntypedString>().Select(s => s.GetValue() ?? "")],
        _ => [value.ToString() ?? ""],
    };
}
