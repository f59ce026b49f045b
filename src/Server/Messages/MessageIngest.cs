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
    IStore store, BlobStore blobs, IMailboxRepository mailboxes, IMessageRepository messages, IMailboxEventRepository events, MimeLimits limits,
    ILogger<MessageIngest> logger)
{
    /// <summary>Writes the bytes durably and parses them once, within the MIME limits, for what the index
    /// keeps and the structure kept beside the message.</summary>
    public async Task<PreparedMessage> PrepareAsync(ReadOnlyMemory<byte> raw, CancellationToken cancellationToken = default)
    {
        var (fields, structure) = Parse(raw, readFields: true);
        return new PreparedMessage(await blobs.WriteAsync(raw, cancellationToken), raw.Length, fields!, structure);
    }

    /// <summary>The same, for a message whose index fields the caller already read (a message it composed).</summary>
    public async Task<PreparedMessage> PrepareAsync(ReadOnlyMemory<byte> raw, IndexedFields fields, CancellationToken cancellationToken = default) =>
        new(await blobs.WriteAsync(raw, cancellationToken), raw.Length, fields, Parse(raw, readFields: false).Structure);

    /// <summary>The index fields (when asked) and the stored structure of a raw message: empty fields for one
    /// MimeKit cannot parse, since a message is stored whatever its form, and an empty structure (not kept)
    /// for one past the limits, which is parsed again whenever it is shown.</summary>
    private (IndexedFields? Fields, byte[] Structure) Parse(ReadOnlyMemory<byte> raw, bool readFields)
    {
        try
        {
            var (bounded, ranges) = BoundedMime.LoadWithRanges(raw, limits);
            return (readFields ? MessageIndexer.Read(bounded.Mime) : null, MimeTree.StoredForm(bounded, ranges));
        }
        catch (FormatException)
        {
            return (IndexedFields.Empty, []);
        }
    }

    /// <summary>Stores a prepared message in the INBOX of a mailbox, as a message received.</summary>
    public async Task<IngestResult> DeliverAsync(IUnitOfWork tx, long mailboxId, PreparedMessage message, long receivedAt) =>
        await mailboxes.FindByIdAsync(mailboxId, tx) is { } mailbox
            ? await DeliverAsync(tx, mailbox, message, receivedAt)
            : IngestResult.Refused(StoreRefusal.NoMailbox, "the mailbox no longer exists");

    /// <summary>The same, for a mailbox the caller read in this unit of work (as recipients are resolved).</summary>
    public Task<IngestResult> DeliverAsync(IUnitOfWork tx, MailboxRecord mailbox, PreparedMessage message, long receivedAt) =>
        StoreAsync(tx, mailbox, SpecialFolders.Inbox, message, new IngestOptions(MailboxEventType.Received, receivedAt));

    /// <summary>Stores a prepared message in a folder of a mailbox, in a write of its own.</summary>
    public Task<IngestResult> StoreAsync(long mailboxId, string folderName, PreparedMessage message, IngestOptions how, CancellationToken cancellationToken = default) =>
        store.WriteAsync(tx => StoreAsync(tx, mailboxId, folderName, message, how), cancellationToken);

    /// <summary>Stores prepared messages in a folder of a mailbox, all or none (IMAP MULTIAPPEND), in one write: the
    /// results of all, in order, or the one refusal that stored none.</summary>
    public async Task<IReadOnlyList<IngestResult>> StoreAllAsync(long mailboxId, string folderName, IReadOnlyList<(PreparedMessage Message, IngestOptions How)> batch,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.WriteAsync<IReadOnlyList<IngestResult>>(async tx =>
            {
                var results = new List<IngestResult>();
                foreach (var (message, how) in batch)
                {
                    var result = await StoreAsync(tx, mailboxId, folderName, message, how);
                    // Thrown, so the write is rolled back with what it stored before.
                    if (result.Refusal != StoreRefusal.None) throw new NoneStored(result);
                    results.Add(result);
                }
                return results;
            }, cancellationToken);
        }
        catch (NoneStored refused)
        {
            return [refused.Result];
        }
    }

    private sealed class NoneStored(IngestResult result) : Exception(result.Reason)
    {
        public IngestResult Result { get; } = result;
    }

    /// <summary>Stores a prepared message in a folder of a mailbox, inside <paramref name="tx"/>, reading the
    /// mailbox there.</summary>
    public async Task<IngestResult> StoreAsync(IUnitOfWork tx, long mailboxId, string folderName, PreparedMessage message, IngestOptions how) =>
        await mailboxes.FindByIdAsync(mailboxId, tx) is { } mailbox
            ? await StoreAsync(tx, mailbox, folderName, message, how)
            : IngestResult.Refused(StoreRefusal.NoMailbox, "the mailbox no longer exists");

    /// <summary>Stores a prepared message in a folder of a mailbox, inside <paramref name="tx"/>. The mailbox is
    /// as read in this unit of work, or, for the sender's own copy (<see cref="IngestOptions.Own"/>), as the
    /// caller knows it: nothing is checked against it then.</summary>
    public async Task<IngestResult> StoreAsync(IUnitOfWork tx, MailboxRecord mailbox, string folderName, PreparedMessage message, IngestOptions how)
    {
        if (!how.Own && !mailbox.IsActive) return IngestResult.Refused(StoreRefusal.Disabled, $"mailbox {mailbox.Address} is disabled");
        if (!how.Own && await messages.CountInMailboxAsync(mailbox.Id, tx) >= mailbox.Quota)
            return IngestResult.Refused(StoreRefusal.OverQuota, $"mailbox {mailbox.Address} is full ({mailbox.Quota} messages)");
        if (!how.Own && await messages.StorageUsedAsync(mailbox.Id, tx) + message.Size > mailbox.StorageQuota)
            return IngestResult.Refused(StoreRefusal.OverQuota, $"mailbox {mailbox.Address} is full ({mailbox.StorageQuota} bytes)");
        var folder = await messages.FindFolderAsync(mailbox.Id, folderName, tx);
        if (folder is null) return IngestResult.Refused(StoreRefusal.NoFolder, $"mailbox {mailbox.Address} has no folder {EmailAddress.Shorten(folderName)}");
        var stored = await messages.InsertAsync(tx, mailbox.Id, folder, new NewMessage(message.Blob, message.Size, message.Fields, how.ReceivedAt, how.Flags, message.Structure));
        if (how.Event is null)
        {
            // An import: its mail arrived long ago, so it raises no event (nor webhook), and it logs per batch.
            logger.LogDebug("Stored message {MessageId} in {Address} {Folder} uid {Uid}", stored.Id, mailbox.Address, folder.Name, stored.Uid);
            return IngestResult.Stored(stored, folder);
        }
        await events.RecordAsync(tx, mailbox.Id, how.Event, stored.Id, how.OutboundId, EventDetails.Message(stored, folder.Name), how.EventAt ?? how.ReceivedAt);
        logger.LogInformation("Stored message {MessageId} in {Address} {Folder} uid {Uid}", stored.Id, mailbox.Address, folder.Name, stored.Uid);
        return IngestResult.Stored(stored, folder);
    }
}
