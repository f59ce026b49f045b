using System.Net.Security;
using MailKit.Net.Smtp;
using MimeKit;
using OpenMailserver.Server.Net;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>MailKit's client, told to keep going when a recipient is refused: each RCPT reply is recorded,
/// the message goes to the recipients that were accepted, and the refused ones are judged one by one. Its
/// <see cref="Guard"/> bounds what the remote server can make it read and how long it can make it wait.</summary>
public sealed class RemoteSmtpClient(SessionGuard guard) : SmtpClient(guard)
{
    public SessionGuard Guard { get; } = guard;

    /// <summary>Each recipient's RCPT reply, its text clipped as it arrives (a hostile server could otherwise
    /// make us hold up to <c>Delivery:MaxReplyBytes</c> per recipient until the message is judged).</summary>
    public Dictionary<string, (int Code, string Text)> RecipientReplies { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, MailKit.Net.Smtp.SmtpResponse response) =>
        Keep(mailbox, response);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, MailKit.Net.Smtp.SmtpResponse response) =>
        Keep(mailbox, response);

    private void Keep(MailboxAddress mailbox, MailKit.Net.Smtp.SmtpResponse response) =>
        RecipientReplies[mailbox.Address] = ((int)response.StatusCode, StoredReply.Clip(response.Response, Guard.MaxStoredReplyLength));

    protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientsAcceptedException();

    /// <summary>The remote server's certificate chain is built from what it sends, never from URLs it names.</summary>
    protected override SslClientAuthenticationOptions GetSslClientAuthenticationOptions(string host, RemoteCertificateValidationCallback remoteCertificateValidationCallback)
    {
        var options = base.GetSslClientAuthenticationOptions(host, remoteCertificateValidationCallback);
        options.CertificateChainPolicy = RemoteCertificateChain.Policy();
        return options;
    }
}

/// <summary>Every RCPT was refused; the replies are in <see cref="RemoteSmtpClient.RecipientReplies"/>.</summary>
public sealed class NoRecipientsAcceptedException() : Exception("No recipient was accepted.");
