using System.Text;

namespace PledgFunctions.Email;

/// <summary>Turns what a message says (<see cref="MessageFacts"/>) into its subject, plain text and
/// HTML, in the purchase's language (<c>fr</c>, else <c>en</c>). Pure: no clock, no I/O.</summary>
public static class MessageTemplates
{
    public static (string Subject, string Text, string Html) Render(MessageFacts facts)
    {
        var (subject, blocks) = MessageFormat.IsFrench(facts.Locale) ? FrenchMessages.Write(facts) : EnglishMessages.Write(facts);
        subject = OneLine(subject);
        return (subject, Text(blocks), Html(subject, blocks, MessageFormat.IsFrench(facts.Locale) ? "fr" : "en"));
    }

    private static string Text(IEnumerable<MessageBlock> blocks) =>
        string.Join("\n\n", blocks.Select(block => block switch
        {
            MessageBlock.Paragraph p => p.Text,
            MessageBlock.Action a => $"{a.Label}: {a.Url}",
            MessageBlock.Items i => string.Join("\n", i.Lines.Select(line => "- " + line)),
            _ => throw new ArgumentOutOfRangeException(nameof(blocks)),
        })) + "\n";

    /// <summary>Every value is encoded here, in one place: emails, merchant names and references are user input.</summary>
    private static string Html(string subject, IEnumerable<MessageBlock> blocks, string lang)
    {
        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><title>{Encode(subject)}</title></head>\n");
        html.Append("<body style=\"font-family: sans-serif; line-height: 1.5; color: #222;\">\n");
        foreach (var block in blocks)
        {
            html.Append(block switch
            {
                MessageBlock.Paragraph p => $"<p>{Encode(p.Text)}</p>\n",
                MessageBlock.Action a => $"<p><a href=\"{Encode(a.Url)}\" style=\"display: inline-block; padding: 10px 16px; background: #1a56db; color: #fff; text-decoration: none; border-radius: 4px;\">{Encode(a.Label)}</a></p>\n",
                MessageBlock.Items i => $"<ul>\n{string.Concat(i.Lines.Select(line => $"<li>{Encode(line)}</li>\n"))}</ul>\n",
                _ => throw new ArgumentOutOfRangeException(nameof(blocks)),
            });
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The five characters that matter in HTML text and quoted attributes. Not WebUtility.HtmlEncode:
    /// it turns every accented letter into a numeric entity, and the body is UTF-8 anyway.</summary>
    private static string Encode(string value) => value
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);

    /// <summary>A merchant name with a line break must not start a new header line.</summary>
    private static string OneLine(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? ' ' : c));
}

/// <summary>What a message is made of; <see cref="MessageTemplates"/> writes each as text and as HTML.</summary>
internal abstract record MessageBlock
{
    public sealed record Paragraph(string Text) : MessageBlock;

    public sealed record Action(string Label, string Url) : MessageBlock;

    public sealed record Items(IReadOnlyList<string> Lines) : MessageBlock;
}
