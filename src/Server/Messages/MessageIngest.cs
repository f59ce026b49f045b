using OpenMailserver.Server.Events;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>The one way a message enters the store. Every door — the MX, submission and the API, bounces,
/// IMAP APPEND — prepares the message (its bytes written durably, what the index keeps read once) and then
/// stores it inside its own unit of work: the mailbox is read again there, its quota is counted there, the
/// message is indexed and its event recorded in the same commit, so two doors racing at the quota edge can
/// never pass it, and the store announces the change once it is durable.</summary>
public sealed class MessageIngest(
    BlobStore blobs, IMailboxRepository mailboxes, IMessageRepository messages, IMailboxEventRepository events, MimeLimits limits,
    ILogger<MessageIngest> logger)
{
    /// <summary>Writes the bytes durably and reads what the index keeps, within the MIME limits.</summary>
    public async Task<PreparedMessage> PrepareAsync(ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default) =>
        await PrepareAsync(raw, MessageIndexer.Read(raw, limits), cancellationToken);

    /// <summary>The same, for a message whose index fields the caller already read (a message it composed).</summary>
    public async Task<PreparedMessage> PrepareAsync(ReadOnlyMemory<byte> raw, IndexedFields fields, CancellationToken cancellationToken = default) =>
        new(await blobs.WriteAsync(raw, cancellationToken), raw.Length, fields);

    /// <summary>Stores a prepared message in the INBOX of a mailbox, as a message received.</summary>
    public Task<IngestResult> DeliverAsync(IUnitOfWork tx, long mailboxId, PreparedMessage message, long receivedAt) =>
        StoreAsync(tx, mailboxId, SpecialFolders.Inbox, message, new IngestOptions(MailboxEventType.Received, receivedAt));

    /// <summary>Stores a prepared message in a folder of a mailbox, inside <paramref name="tx"/>.</summary>
    public async Task<IngestResult> StoreAsync(IUnitOfWork tx, long mailboxId, string folderName, PreparedMessage message, IngestOptions how)
    {
        var mailbox = await mailboxes.FindByIdAsync(mailboxId, tx);
        if (mailbox is null) return IngestResult.Refused(IngestRefusal.NoMailbox, "the mailbox no longer exists");
        if (!how.Own && !mailbox.IsActive) return IngestResult.Refused(IngestRefusal.Disabled, $"mailbox {mailbox.Address} is disabled");
        if (!how.Own && await messages.CountInMailboxAsync(mailbox.Id, tx) >= mailbox.Quota)
            return IngestResult.Refused(IngestRefusal.OverQuota, $"mailbox {mailbox.Address} is full ({mailbox.Quota} messages)");
        var folder = await messages.FindFolderAsync(mailbox.Id, folderName, tx);
        if (folder is null) return IngestResult.Refused(IngestRefusal.NoFolder, $"mailbox {mailbox.Address} has no folder {EmailAddress.Shorten(folderName)}");
        var stored = await messages.InsertAsync(tx, mailbox.Id, folder, new NewMessage(message.Blob, message.Size, message.Fields, how.ReceivedAt, how.Flags));
        await events.RecordAsync(tx, mailbox.Id, how.Event, stored.Id, how.OutboundId, EventDetails.Message(stored, folder.Name), how.EventAt ?? how.ReceivedAt);
        logger.LogInformation("Stored message {MessageId} in {Address} {Folder} uid {Uid}", stored.Id, mailbox.Address, folder.Name, stored.Uid);
        return IngestResult.Stored(stored, folder);
    }
}
