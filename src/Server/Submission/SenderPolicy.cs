using MimeKit;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Submission;

/// <summary>Who may send as whom: a mailbox sends as its own address or an alias that delivers to it; an
/// operator may send as any hosted mailbox or alias. Returns the mailbox the message is sent from.</summary>
public sealed class SenderPolicy(RecipientResolver resolver)
{
    /// <summary>The fields that say who wrote or sent a message (RFC 5322 §3.6.2, §3.6.6). Receivers show any
    /// of them as the author, and our DKIM signature vouches for what they say.</summary>
    private static readonly HeaderId[] AuthorFields = [HeaderId.From, HeaderId.Sender, HeaderId.ResentFrom, HeaderId.ResentSender];

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

    /// <summary>Every address in From, Sender, Resent-From and Resent-Sender must be <paramref name="mailbox"/>
    /// or one of its aliases; otherwise the message is refused, naming the field.</summary>
    public async Task RequireOwnAuthorsAsync(MailboxRecord mailbox, MimeMessage message)
    {
        foreach (var field in message.Headers.Where(h => AuthorFields.Contains(h.Id)))
        {
            // The raw field, parsed as receivers parse it: Value is decoded display text, where an encoded-word
            // can spell an address (or a bracket) that no receiver reads as one.
            if (!InternetAddressList.TryParse(ParserOptions.Default, field.RawValue, out var list) || list.Mailboxes.FirstOrDefault() is null)
                throw new MailServerException(ErrorKind.PermissionDenied, $"{field.Field}: names no address that can be checked; name your own address.");
            foreach (var author in list.Mailboxes)
            {
                var owned = EmailAddress.TryParse(author.Address, out var address)
                            && (await resolver.ResolveAsync(address.ToString())).Mailboxes.Any(m => m.Id == mailbox.Id);
                if (!owned)
                    throw new MailServerException(ErrorKind.PermissionDenied,
                        $"{field.Field}: <{EmailAddress.Shorten(author.Address)}> is not {mailbox.Address} or one of its aliases; only your own addresses may appear there.");
            }
        }
    }
}
