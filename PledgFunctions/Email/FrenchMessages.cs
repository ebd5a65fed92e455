namespace PledgFunctions.Email;

/// <summary>Les messages en français. Du texte brut : l'encodage est l'affaire de <see cref="MessageTemplates"/>.</summary>
internal static class FrenchMessages
{
    public static (string Subject, List<MessageBlock> Blocks) Write(MessageFacts f)
    {
        string Money(long amount) => MessageFormat.Amount(amount, f.Currency, "fr");
        var deadline = MessageFormat.Date(f.Deadline, "fr");
        var reference = f.Reference is { Length: > 0 } r ? new MessageBlock.Paragraph($"Référence : {r}") : null;
        var (subject, blocks) = f.Kind switch
        {
            MessageKinds.ShareRequest => ($"{f.MerchantName} : {f.OrganizerEmail} vous demande de payer votre part de {Money(f.Amount)}", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"{f.OrganizerEmail} fait un achat groupé de {Money(f.PurchaseAmount)} chez {f.MerchantName} et vous demande de payer votre part : {Money(f.Amount)}."),
                new MessageBlock.Paragraph($"Merci de payer avant le {deadline}. Si toutes les parts ne sont pas payées d'ici là, l'achat est annulé et chacun est remboursé."),
                new MessageBlock.Action("Payer ma part", f.Link),
            }),
            MessageKinds.Receipt => ($"{f.MerchantName} : votre achat groupé de {Money(f.PurchaseAmount)} est engagé", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"Votre achat groupé chez {f.MerchantName} est engagé. Montant débité : {Money(f.Amount)}, sur un total de {Money(f.PurchaseAmount)}."),
                new MessageBlock.Paragraph("Chacun a reçu un lien pour payer sa part :"),
                new MessageBlock.Items(f.Shares.Select(s => $"{s.Email} : {Money(s.Amount)}").ToList()),
                new MessageBlock.Paragraph($"Toutes les parts doivent être payées avant le {deadline} ; sinon l'achat est annulé et chacun est remboursé."),
                new MessageBlock.Action("Suivre l'achat", f.Link),
            }),
            MessageKinds.Reminder => ($"{f.MerchantName} : rappel, votre part de {Money(f.Amount)} reste à payer", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"Votre part de {Money(f.Amount)} pour l'achat groupé de {f.OrganizerEmail} chez {f.MerchantName} n'est pas encore payée."),
                new MessageBlock.Paragraph($"La date limite est le {deadline}. Passé ce délai, l'achat est annulé et chacun est remboursé."),
                new MessageBlock.Action("Payer ma part", f.Link),
            }),
            MessageKinds.Succeeded => ($"{f.MerchantName} : l'achat groupé est finalisé", new List<MessageBlock>
            {
                new MessageBlock.Paragraph($"Toutes les parts de l'achat groupé de {Money(f.PurchaseAmount)} chez {f.MerchantName}, organisé par {f.OrganizerEmail}, sont payées : l'achat est finalisé."),
                new MessageBlock.Paragraph($"Votre part : {Money(f.Amount)}."),
            }),
            MessageKinds.Failed => ($"{f.MerchantName} : l'achat groupé n'a pas abouti, vous êtes remboursé", new List<MessageBlock>
            {
                new MessageBlock.Paragraph(f.FailureReason == "cancelled"
                    ? $"L'achat groupé de {Money(f.PurchaseAmount)} chez {f.MerchantName}, organisé par {f.OrganizerEmail}, a été annulé."
                    : $"L'achat groupé de {Money(f.PurchaseAmount)} chez {f.MerchantName}, organisé par {f.OrganizerEmail}, n'a pas abouti : toutes les parts n'ont pas été payées avant la date limite, le {deadline}."),
                new MessageBlock.Paragraph($"Vous êtes remboursé de {Money(f.Amount)} sur la carte utilisée pour payer. Rien d'autre n'est débité."),
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(f), f.Kind, "type de message inconnu"),
        };
        if (reference is not null) blocks.Add(reference);
        return (subject, blocks);
    }
}
