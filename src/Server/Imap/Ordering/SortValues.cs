using MimeKit;
using MimeKit.Utils;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Imap.Ordering;

/// <summary>What SORT and THREAD compare of one message (RFC 5256 §2.2, §3; RFC 5957), read from its index entry:
/// strings as their collation keys, an absent header as "", which sorts first.</summary>
public static class SortValues
{
    /// <summary>The sent date (§2.2): the Date header in UTC, or the internal date when it has none that parses.</summary>
    public static long SentDate(MessageRecord m) =>
        DateUtils.TryParse(m.DateHeader, out DateTimeOffset sent) ? sent.ToUnixTimeMilliseconds() : m.ReceivedAt;

    /// <summary>The value of one sort key, for the keys that are strings.</summary>
    public static string Text(MessageRecord m, SortKey key) => BaseSubject.CollationKey(key switch
    {
        SortKey.Subject => BaseSubject.Of(m.Subject),
        SortKey.From => Mailbox(m.FromHeader),
        SortKey.To => Mailbox(m.ToHeader),
        SortKey.Cc => Mailbox(m.CcHeader),
        SortKey.DisplayFrom => Display(m.FromHeader),
        SortKey.DisplayTo => Display(m.ToHeader),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    });

    private static MailboxAddress? First(string header) =>
        header.Length > 0 && InternetAddressList.TryParse(header, out var list) ? list.Mailboxes.FirstOrDefault() : null;

    /// <summary>The addr-mailbox (local part) of the first address.</summary>
    private static string Mailbox(string header) => First(header)?.LocalPart ?? "";

    /// <summary>RFC 5957: the first address's name, or else mailbox@host, or else the mailbox.</summary>
    private static string Display(string header) => First(header) is not { } first ? ""
        : !string.IsNullOrWhiteSpace(first.Name) ? first.Name
        : first.Domain.Length > 0 ? $"{first.LocalPart}@{first.Domain}" : first.LocalPart;
}
