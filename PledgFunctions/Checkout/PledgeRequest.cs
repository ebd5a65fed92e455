using PledgFunctions.Money;
using PledgFunctions.Payments;
using PledgFunctions.Validation;

namespace PledgFunctions.Checkout;

/// <summary>The body of <c>POST /api/checkout/{organizerToken}/pledge</c>.</summary>
public sealed record PledgeRequest(List<PledgerInput?>? Pledgers, CardInput? Card)
{
    /// <summary>Checks the pledgers (0-20, valid, distinct case-insensitively, not the organizer)
    /// and the split; returns every share amount (organizer first) or fills <paramref name="errors"/>.</summary>
    public long[]? ValidateSplit(string organizerEmail, long amount, Dictionary<string, string[]> errors)
    {
        var pledgers = Pledgers ?? [];
        if (pledgers.Count > Split.MaxPledgers) { errors["pledgers"] = [$"At most {Split.MaxPledgers} pledgers."]; return null; }
        var seen = new HashSet<string>(StringComparer.Ordinal) { Emails.Normalize(organizerEmail) };
        for (var i = 0; i < pledgers.Count; i++)
        {
            var email = pledgers[i]?.Email;
            var field = $"pledgers[{i}].email";
            if (pledgers[i] is null) errors[$"pledgers[{i}]"] = ["Must be an object with an email."];
            else if (string.IsNullOrWhiteSpace(email)) errors[field] = ["Required."];
            else if (!Emails.IsValid(email)) errors[field] = ["Must be a valid email address."];
            else if (Emails.Normalize(email) == Emails.Normalize(organizerEmail)) errors[field] = ["A pledger cannot be the organizer."];
            else if (!seen.Add(Emails.Normalize(email))) errors[field] = ["Each pledger must have a different email."];
        }
        if (errors.Count > 0) return null;
        var split = Split.Compute(amount, pledgers.Select(p => p!.Amount).ToList());
        if (!split.Succeeded) { errors[split.ErrorField!] = [split.Error!]; return null; }
        return split.Shares;
    }
}

public sealed record PledgerInput(string? Email, long? Amount);
