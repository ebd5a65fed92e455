namespace PledgFunctions.Email;

/// <summary>The messages in English. Plain strings: encoding is <see cref="MessageTemplates"/>' job.</summary>
internal static class EnglishMessages
{
    public static (string Subject, List<MessageBlock> Blocks) Write(MessageFacts f)
    {
        string Money(long amount) => MessageFormat.Amount(amount, f.Currency, "en");
        var deadline = MessageFormat.Date(f.Deadline, "en");
        var reference = f.Reference is { Length: > 0 } r ? new MessageBlock.Paragraph($"Reference: {r}") : null;
        var (subject, blocks) = f.Kind switch
        {
            MessageKinds.ShareRequest => ($"{f.MerchantName}: {f.OrganizerEmail} asks you to pay your share of {Money(f.Amount)}", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"{f.OrganizerEmail} is buying {Money(f.PurchaseAmount)} from {f.MerchantName} as a group and has asked you to pay your share: {Money(f.Amount)}."),
                new MessageBlock.Paragraph($"Please pay before {deadline}. If every share is not paid by then, the purchase is called off and everyone who paid is refunded."),
                new MessageBlock.Action("Pay my share", f.Link),
            }),
            MessageKinds.Receipt => ($"{f.MerchantName}: your group purchase of {Money(f.PurchaseAmount)} is pledged", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"Your group purchase from {f.MerchantName} is pledged. Amount charged: {Money(f.Amount)}, of a total of {Money(f.PurchaseAmount)}."),
                new MessageBlock.Paragraph("Each friend has been sent a link to pay their share:"),
                new MessageBlock.Items(f.Shares.Select(s => $"{s.Email}: {Money(s.Amount)}").ToList()),
                new MessageBlock.Paragraph($"Every share must be paid before {deadline}; otherwise the purchase is called off and everyone who paid is refunded."),
                new MessageBlock.Action("Follow the purchase", f.Link),
            }),
            MessageKinds.Reminder => ($"{f.MerchantName}: reminder, your share of {Money(f.Amount)} is still to pay", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"Your share of {Money(f.Amount)} for the group purchase {f.OrganizerEmail} is making from {f.MerchantName} is not paid yet."),
                new MessageBlock.Paragraph($"The deadline is {deadline}. After it, the purchase is called off and everyone who paid is refunded."),
                new MessageBlock.Action("Pay my share", f.Link),
            }),
            MessageKinds.Succeeded => ($"{f.MerchantName}: the group purchase is complete", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"Every share of the group purchase of {Money(f.PurchaseAmount)} from {f.MerchantName}, organized by {f.OrganizerEmail}, is paid: the purchase is complete."),
                new MessageBlock.Paragraph($"Your part: {Money(f.Amount)}."),
            }),
            MessageKinds.Failed => ($"{f.MerchantName}: the group purchase did not go through, you are refunded", new List<MessageBlock>
            {
                new MessageBlock.Paragraph(f.FailureReason == "cancelled"
                    ? $"The group purchase of {Money(f.PurchaseAmount)} from {f.MerchantName}, organized by {f.OrganizerEmail}, was cancelled."
                    : $"The group purchase of {Money(f.PurchaseAmount)} from {f.MerchantName}, organized by {f.OrganizerEmail}, was called off: not every share was paid before the deadline, {deadline}."),
                new MessageBlock.Paragraph($"You are refunded {Money(f.Amount)}, to the card you paid with. Nothing else is charged."),
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(f), f.Kind, "unknown message kind"),
        };
        if (reference is not null) blocks.Add(reference);
        return (subject, blocks);
    }
}
