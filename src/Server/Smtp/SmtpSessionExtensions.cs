using System.Net;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Storage;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;

namespace OpenMailserver.Server.Smtp;

/// <summary>What our SMTP adapters keep in, and read from, a session's property bag.</summary>
public static class SmtpSessionExtensions
{
    private const string HeloKey = "OpenMailserver:Helo";
    private const string MailboxKey = "OpenMailserver:Mailbox";
    private const string RecipientCountKey = "OpenMailserver:RecipientCount";

    public static IPAddress? RemoteAddress(this ISessionContext context) =>
        context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var value) && value is IPEndPoint endpoint
            ? endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address
            : null;

    public static string Helo(this ISessionContext context) =>
        context.Properties.TryGetValue(HeloKey, out var value) ? (string)value : "unknown";

    public static void SetHelo(this ISessionContext context, string helo) => context.Properties[HeloKey] = helo;

    /// <summary>The mailbox that authenticated on a submission port; none once its password was reset or the
    /// mailbox disabled, so the session's next MAIL FROM or DATA asks for authentication again.</summary>
    public static MailboxRecord? Mailbox(this ISessionContext context) =>
        context.Properties.TryGetValue(MailboxKey, out var value) && value is (MailboxRecord mailbox, CancellationToken revoked) && !revoked.IsCancellationRequested
            ? mailbox
            : null;

    /// <summary>The size the current transaction's MAIL declared, or 0.</summary>
    public static int DeclaredSize(this ISessionContext context) =>
        context.Properties.TryGetValue(DeclaredSizeKey, out var value) && value is int size ? size : 0;

    private const string DeclaredSizeKey = "openmailserver.declared-size";

    public static void SetMailbox(this ISessionContext context, MailboxRecord mailbox, CancellationToken revoked) => context.Properties[MailboxKey] = (mailbox, revoked);

    /// <summary>Counts RCPTs in the current transaction; every MAIL FROM starts a new one.</summary>
    public static int NextRecipient(this ISessionContext context)
    {
        var count = context.Properties.TryGetValue(RecipientCountKey, out var value) ? (int)value + 1 : 1;
        context.Properties[RecipientCountKey] = count;
        return count;
    }

    /// <summary>Starts a transaction, with the size MAIL declared (SIZE=, RFC 1870; 0 when none).</summary>
    public static void StartTransaction(this ISessionContext context, int declaredSize)
    {
        context.Properties[RecipientCountKey] = 0;
        context.Properties[DeclaredSizeKey] = declaredSize;
        if (context.Pipe is SessionPipe session) session.InTransaction = true;
    }

    /// <summary><c>local@domain</c> of an envelope mailbox; empty for the null sender.</summary>
    public static string Address(this IMailbox mailbox) =>
        string.IsNullOrEmpty(mailbox.User) && string.IsNullOrEmpty(mailbox.Host) ? "" : $"{mailbox.User}@{mailbox.Host}";
}
