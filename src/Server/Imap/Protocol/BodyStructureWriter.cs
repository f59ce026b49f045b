using System.Text;
using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>Writes ENVELOPE and BODY/BODYSTRUCTURE (RFC 3501 §7.4.2) from a message's <see cref="MimeTree"/>,
/// the structure stored with it or one just parsed: the same output either way.</summary>
public static class BodyStructureWriter
{
    private const string EmptyText = "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)";

    /// <summary>BODYSTRUCTURE (with extension data) or BODY (without). Multiparts and message parts nested
    /// deeper than <paramref name="maxDepth"/> are shown as opaque application/octet-stream parts, so a hostile
    /// message cannot make the recursion (or the response) as deep as it likes.</summary>
    public static void Write(ImapResponse r, MimeTree tree, bool extended, int maxDepth) => WriteNode(r, tree.Body, extended, maxDepth);

    private static void WriteNode(ImapResponse r, MimeNode? node, bool extended, int depthLeft)
    {
        if (node is null)
        {
            r.Raw(EmptyText);
            return;
        }
        if (depthLeft <= 0 && node.Kind is MimeNodeKind.Multipart or MimeNodeKind.Message)
        {
            r.Raw("(\"application\" \"octet-stream\" NIL NIL NIL \"7bit\" ").Number(node.Size).Raw(extended ? " NIL NIL NIL NIL)" : ")");
            return;
        }
        if (node.Kind == MimeNodeKind.Multipart)
        {
            r.Raw("(");
            if (node.Children is not { Count: > 0 }) r.Raw(EmptyText);
            foreach (var child in node.Children ?? []) WriteNode(r, child, extended, depthLeft - 1);
            r.Space().String(node.MediaSubtype.ToLowerInvariant());
            if (extended)
            {
                r.Space();
                Parameters(r, node.Parameters);
                r.Space();
                Disposition(r, node);
                r.Raw(" NIL NIL");
            }
            r.Raw(")");
            return;
        }

        r.Raw("(").String(node.MediaType.ToLowerInvariant()).Space().String(node.MediaSubtype.ToLowerInvariant()).Space();
        Parameters(r, node.Parameters);
        r.Space().NString(node.ContentId is null ? null : "<" + node.ContentId + ">");
        r.Space().NString(node.Description);
        r.Space().String(node.TransferEncoding?.Trim().ToLowerInvariant() ?? "7bit").Space().Number(node.Size);
        if (node.Inner is { } inner)
        {
            r.Space();
            WriteEnvelope(r, inner.Envelope);
            r.Space();
            WriteNode(r, inner.Body, extended, depthLeft - 1);
            r.Space().Number(node.Lines);
        }
        else if (node.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            r.Space().Number(node.Lines);
        }
        if (extended)
        {
            r.Space().NString(node.Md5).Space();
            Disposition(r, node);
            r.Space().NString(node.Language).Space().NString(node.Location);
        }
        r.Raw(")");
    }

    private static void Parameters(ImapResponse r, IReadOnlyList<MimeParameter>? parameters)
    {
        if (parameters is not { Count: > 0 })
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(");
        var first = true;
        foreach (var parameter in parameters)
        {
            if (!first) r.Space();
            first = false;
            r.String(parameter.Name.ToLowerInvariant()).Space().String(parameter.Value);
        }
        r.Raw(")");
    }

    private static void Disposition(ImapResponse r, MimeNode node)
    {
        if (node.Disposition is null)
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(").String(node.Disposition.ToLowerInvariant()).Space();
        Parameters(r, node.DispositionParameters);
        r.Raw(")");
    }

    /// <summary>ENVELOPE (RFC 3501 §7.4.2) from header values as written: encoded words left for the client,
    /// addresses taken apart; Sender and Reply-To default to From.</summary>
    public static void WriteEnvelope(ImapResponse r, EnvelopeHeaders h)
    {
        r.Raw("(").NString(Unfolded(h.Date)).Space().NString(Unfolded(h.Subject)).Space();
        var from = AddressList(h.From);
        Addresses(r, from);
        r.Space();
        Addresses(r, AddressList(h.Sender) ?? from);
        r.Space();
        Addresses(r, AddressList(h.ReplyTo) ?? from);
        r.Space();
        Addresses(r, AddressList(h.To));
        r.Space();
        Addresses(r, AddressList(h.Cc));
        r.Space();
        Addresses(r, AddressList(h.Bcc));
        r.Space().NString(Unfolded(h.InReplyTo)).Space().NString(Unfolded(h.MessageId)).Raw(")");
    }

    private static InternetAddressList? AddressList(byte[]? raw) =>
        raw is not null && InternetAddressList.TryParse(ParserOptions.Default, raw, out var list) && list.Count > 0 ? list : null;

    /// <summary>A header's value as written, unfolded.</summary>
    private static string? Unfolded(byte[]? raw) =>
        raw is null ? null : Encoding.UTF8.GetString(raw).Replace("\r\n", "").Replace("\n", "").Trim();

    private static void Addresses(ImapResponse r, InternetAddressList? list)
    {
        var mailboxes = list?.ToList() ?? [];
        if (mailboxes.Count == 0)
        {
            r.Raw("NIL");
            return;
        }
        r.Raw("(");
        foreach (var address in mailboxes) Address(r, address);
        r.Raw(")");
    }

    private static void Address(ImapResponse r, InternetAddress address)
    {
        if (address is GroupAddress group)
        {
            r.Raw("(NIL NIL ").NString(EncodedName(group.Name)).Raw(" NIL)");
            foreach (var member in group.Members) Address(r, member);
            r.Raw("(NIL NIL NIL NIL)");
            return;
        }
        if (address is not MailboxAddress mailbox) return;
        var at = mailbox.Address.LastIndexOf('@');
        var local = at < 0 ? mailbox.Address : mailbox.Address[..at];
        var domain = at < 0 ? null : mailbox.Address[(at + 1)..];
        // The source route (obsolete, but still parsed) is the adl field: "@a,@b" (RFC 3501 §9 address).
        var route = mailbox.Route.Count > 0 ? mailbox.Route.ToString() : null;
        r.Raw("(").NString(EncodedName(mailbox.Name)).Space().NString(route).Space().NString(local).Space().NString(domain).Raw(")");
    }

    private static string? EncodedName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return null;
        return name.All(c => c is >= ' ' and <= '~') ? name : Rfc2047.EncodePhrase(Encoding.UTF8, name).Length > 0
            ? Encoding.ASCII.GetString(Rfc2047.EncodePhrase(Encoding.UTF8, name))
            : name;
    }
}
