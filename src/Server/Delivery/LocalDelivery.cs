using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Messages;

namespace OpenMailserver.Server.Delivery;

/// <summary>The one way a message reaches a hosted mailbox: every door (API send, SMTP, bounces) stores
/// into INBOX through here, inside the caller's transaction, so the message is visible only once the whole
/// delivery commits.</summary>
public sealed class LocalDelivery(IMessageRepository messages, IMailboxEventRepository events, ILogger<LocalDelivery> logger)
{
    public async Task<LocalDeliveryResult> DeliverAsync(IUnitOfWork tx, MailboxRecord mailbox, NewMessage message)
    {
        if (!mailbox.IsActive) return LocalDeliveryResult.Refused($"mailbox {mailbox.Address} is disabled");
        if (await messages.CountInMailboxAsync(mailbox.Id, tx) >= mailbox.Quota)
            return LocalDeliveryResult.Refused($"mailbox {mailbox.Address} is full ({mailbox.Quota} messages)");
        var inbox = await messages.FindFolderAsync(mailbox.Id, SpecialFolders.Inbox, tx)
                    ?? throw new InvalidOperationException($"Mailbox {mailbox.Address} has no INBOX.");
        var stored = await messages.InsertAsync(tx, mailbox.Id, inbox, message);
        await events.RecordAsync(tx, mailbox.Id, MailboxEventType.Received, stored.Id, null, EventDetails.Message(stored, inbox.Name), message.ReceivedAt);
        logger.LogInformation("Delivered message {MessageId} to {Address} INBOX uid {Uid}", stored.Id, mailbox.Address, stored.Uid);
        return LocalDeliveryResult.Delivered(stored);
    }
}
