using System.Globalization;
using System.Net;
using System.Text;
using MimeKit;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Submission;

/// <summary>Turns a received (or sent) message into the composition of its reply or forward, the way mail
/// clients do: the reply goes to Reply-To or From (to the original recipients when answering one's own
/// message), reply-all adds the other recipients but never oneself, the subject gets one "Re: " or
/// "Fwd: ", and In-Reply-To and References keep the conversation together (RFC 5322 §3.6.4).</summary>
public sealed class ReplyComposer
{
    /// <summary>A References header stays useful with the root and the nearest ancestors.</summary>
    private const int MaxReferences = 20;

    public sealed record Reply(string? TextBody, string? HtmlBody, bool ReplyAll, bool Quote, IReadOnlyList<EmailAddress> Cc,
        IReadOnlyList<EmailAddress> Bcc, IReadOnlyList<AttachmentContent> Attachments);

    public Composition ComposeReply(EmailAddress from, MimeMessage original, Reply reply)
    {
        var self = from.ToString();
        var wroteIt = Addresses(original.From).Any(a => a.ToString() == self);
        var to = wroteIt ? Addresses(original.To)
            : Addresses(original.ReplyTo).Count > 0 ? Addresses(original.ReplyTo) : Addresses(original.From);
        var cc = new List<EmailAddress>(reply.Cc);
        if (reply.ReplyAll) cc.AddRange(Addresses(original.To).Concat(Addresses(original.Cc)));
        to = to.Where(a => a.ToString() != self || wroteIt).Distinct().ToList();
        cc = cc.Where(a => a.ToString() != self && !to.Contains(a)).Distinct().ToList();
        if (to.Count == 0)
            throw new MailServerException(ErrorKind.FailedPrecondition, "The message has no address to reply to (no Reply-To, From or To).");

        var text = reply.TextBody;
        var html = reply.HtmlBody;
        if (reply.Quote)
        {
            var attribution = $"On {When(original)}, {Who(original)} wrote:";
            var quoted = MessageBody.Text(original).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? ">" : "> " + l);
            if (!string.IsNullOrEmpty(text) || string.IsNullOrEmpty(html))
                text = (text ?? "").TrimEnd() + "\n\n" + attribution + "\n" + string.Join("\n", quoted) + "\n";
            if (!string.IsNullOrEmpty(html))
                html += $"<div>{WebUtility.HtmlEncode(attribution)}</div><blockquote type=\"cite\">{original.HtmlBody ?? Paragraphs(MessageBody.Text(original))}</blockquote>";
        }

        return new Composition(from, to, cc, reply.Bcc, Prefixed("Re:", original.Subject), text, html)
        {
            Attachments = reply.Attachments,
            InReplyTo = original.MessageId,
            References = Ancestry(original),
        };
    }

    public Composition ComposeForward(EmailAddress from, MimeMessage original, IReadOnlyList<EmailAddress> to, IReadOnlyList<EmailAddress> cc,
        IReadOnlyList<EmailAddress> bcc, string? note)
    {
        var header = new StringBuilder()
            .Append("---------- Forwarded message ---------\n")
            .Append("From: ").Append(original.From).Append('\n')
            .Append("Date: ").Append(When(original)).Append('\n')
            .Append("Subject: ").Append(original.Subject).Append('\n')
            .Append("To: ").Append(original.To).Append('\n');
        if (original.Cc.Count > 0) header.Append("Cc: ").Append(original.Cc).Append('\n');
        var text = (string.IsNullOrEmpty(note) ? "" : note.TrimEnd() + "\n\n") + header + "\n" + MessageBody.Text(original);
        var attachments = MessageParts.Attachments(original).Select(a => new AttachmentContent(
            MessageParts.FileName(a.Part) is { Length: > 0 } name ? name : "attachment-" + a.Id, a.Part.ContentType.MimeType, MessageParts.Content(a.Part),
            a.Part.ContentId)).ToList();
        return new Composition(from, to, cc, bcc, Prefixed("Fwd:", original.Subject), text, null)
        {
            Attachments = attachments,
            References = Ancestry(original),
        };
    }

    private static IReadOnlyList<string> Ancestry(MimeMessage original)
    {
        var chain = original.References.ToList();
        if (chain.Count == 0 && original.InReplyTo is { Length: > 0 } parent) chain.Add(parent);
        if (original.MessageId is { Length: > 0 } id) chain.Add(id);
        return chain.Count <= MaxReferences ? chain : [chain[0], .. chain.TakeLast(MaxReferences - 1)];
    }

    /// <summary>The answer's subject. The original's is someone else's text: line breaks and other control
    /// characters (an encoded word may decode to any) become spaces, and it is cut to what a subject may hold,
    /// so a strange subject never stops the answer.</summary>
    private static string Prefixed(string prefix, string? subject)
    {
        var s = new string((subject ?? "").Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        var prefixed = s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? s : $"{prefix} {s}".TrimEnd();
        return prefixed.Length <= MessageComposer.MaxSubjectLength ? prefixed : prefixed[..MessageComposer.MaxSubjectLength].TrimEnd();
    }

    private static List<EmailAddress> Addresses(InternetAddressList list) =>
        list.Mailboxes.Select(m => EmailAddress.TryParse(m.Address, out var a) ? a : null).OfType<EmailAddress>().ToList();

    private static string When(MimeMessage m) => m.Date.ToString("ddd, d MMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture);

    private static string Who(MimeMessage m) =>
        m.From.Mailboxes.FirstOrDefault() is { } sender ? (string.IsNullOrWhiteSpace(sender.Name) ? sender.Address : $"{sender.Name} <{sender.Address}>") : "someone";

    private static string Paragraphs(string text) => WebUtility.HtmlEncode(text).ReplaceLineEndings("<br>");
}
