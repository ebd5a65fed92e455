using System.Net.Mail;

namespace PledgFunctions.Validation;

public static class Emails
{
    public const int MaxLength = 254;

    /// <summary>A single plain address (no display name), at most 254 characters.</summary>
    public static bool IsValid(string? email) =>
        email is { Length: > 2 and <= MaxLength } && email.Trim() == email && !email.Contains(' ')
        && MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && parsed.Host.Contains('.');

    /// <summary>Emails compare case-insensitively (distinct pledgers, organizer filter).</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
