using SmtpServer.Protocol;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace OpenMailserver.Server.Smtp;

/// <summary>Every reply we write ourselves, each with its RFC 3463 enhanced status code first so clients
/// and operators can act on it.</summary>
public static class SmtpReplies
{
    public static SmtpResponse Reply(SmtpReplyCode code, string text) => new(code, text);

    public static SmtpResponseException Refuse(SmtpReplyCode code, string text) => new(Reply(code, text));

    public static SmtpResponse Accepted(string id) => Reply(SmtpReplyCode.Ok, $"2.0.0 Ok: queued as {id}");

    public static SmtpResponseException RelayDenied(string address) =>
        Refuse(SmtpReplyCode.MailboxUnavailable, $"5.7.1 <{address}>: Relay access denied");

    public static SmtpResponseException NoSuchUser(string address) =>
        Refuse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 <{address}>: Recipient address rejected: no such mailbox here");

    public static SmtpResponseException Disabled(string address) =>
        Refuse(SmtpReplyCode.MailboxUnavailable, $"5.2.1 <{address}>: Mailbox disabled");

    public static SmtpResponseException MailboxFull(string address) =>
        Refuse(SmtpReplyCode.InsufficientStorage, $"4.2.2 <{address}>: Mailbox full, try again later");

    public static SmtpResponseException BadAddress(string address) =>
        Refuse(SmtpReplyCode.MailboxNameNotAllowed, $"5.1.3 <{address}>: Bad address syntax");

    public static SmtpResponseException TooManyRecipients(int limit) =>
        Refuse(SmtpReplyCode.InsufficientStorage, $"4.5.3 Too many recipients: at most {limit} per message");

    public static SmtpResponseException TooBig(long limit) =>
        Refuse(SmtpReplyCode.SizeLimitExceeded, $"5.3.4 Message too big: the limit is {limit} bytes");

    public static SmtpResponseException SenderNotOwned(string address) =>
        Refuse(SmtpReplyCode.MailboxNameNotAllowed, $"5.7.1 <{address}>: Sender address not owned by the authenticated user");

    /// <summary>RFC 4954's temporary authentication failure: the mailbox has all the sessions it may hold.</summary>
    public static SmtpResponseException TooManySessions(string address, int limit) =>
        Refuse((SmtpReplyCode)454, $"4.7.0 {address} has {limit} sessions open; close one and try again");

    public static SmtpResponseException BadCredentials() =>
        Refuse(SmtpReplyCode.AuthenticationFailed, "5.7.8 Authentication credentials invalid");

    public static SmtpResponseException LockedOut(DateTimeOffset until) =>
        Refuse(SmtpReplyCode.ClientNotPermitted, $"4.7.0 Too many failed logins; try again after {until:HH:mm} UTC");

    /// <summary>Text that came from a message or a client, made safe for one reply line.</summary>
    public static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
