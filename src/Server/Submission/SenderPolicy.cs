using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;

namespace OpenMailserver.Server.Submission;

/// <summary>Who may send as whom: a mailbox sends as its own address or an alias that delivers to it; an
/// operator may send as any hosted mailbox or alias. Returns the mailbox the message is sent from.</summary>
public sealed class SenderPolicy(RecipientResolver resolver)
{
    /// <param name="authenticatedMailboxId">The mailbox that logged in, or null for an operator.</param>
    public async Task<MailboxRecord> AuthorizeAsync(long? authenticatedMailboxId, EmailAddress sender)
    {
        var resolution = await resolver.ResolveAsync(sender.ToString());
        MailboxRecord? mailbox;
        if (authenticatedMailboxId is { } id)
        {
            mailbox = resolution.Mailboxes.FirstOrDefault(m => m.Id == id)
                      ?? throw new MailServerException(ErrorKind.PermissionDenied,
                          $"sender {sender} is not your mailbox or one of its aliases; send as your own address.");
        }
        else
        {
            mailbox = resolution.Mailboxes.FirstOrDefault()
                      ?? throw new MailServerException(ErrorKind.InvalidArgument, $"sender {sender} is not a hosted mailbox or alias.");
        }
        if (!mailbox.IsActive)
            throw new MailServerException(ErrorKind.PermissionDenied, $"The mailbox {mailbox.Address} is disabled and cannot send.");
        return mailbox;
    }
}
