using MimeKit;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Reads a mailbox through the index and the blob store: listings come from the index alone;
/// opening one message parses its MIME.</summary>
public sealed class MailboxReader(IMessageRepository messages, BlobStore blobs)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public async Task<IReadOnlyList<MessageRecord>> ListAsync(MailboxRecord mailbox, string? folder, int limit, DateTimeOffset? before)
    {
        if (limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        var name = SpecialFolders.Normalize(folder);
        var found = await messages.FindFolderAsync(mailbox.Id, name)
                    ?? throw new MailServerException(ErrorKind.NotFound, $"{mailbox.Address} has no folder '{EmailAddress.Shorten(name)}'.");
        return await messages.ListAsync(found.Id, Math.Min(limit == 0 ? DefaultLimit : limit, MaxLimit), before?.ToUnixTimeMilliseconds());
    }

    /// <summary>The message and its parsed MIME; not found unless it belongs to <paramref name="mailbox"/>.</summary>
    public async Task<(MessageRecord Record, MimeMessage Mime)> GetAsync(MailboxRecord mailbox, string? id)
    {
        var record = string.IsNullOrWhiteSpace(id) || id.Length > 64 ? null : await messages.FindAsync(id);
        if (record is null || record.MailboxId != mailbox.Id)
            throw new MailServerException(ErrorKind.NotFound, $"No message '{EmailAddress.Shorten(id)}' in {mailbox.Address}.");
        await using var stream = blobs.OpenRead(record.Blob);
        var mime = await MimeMessage.LoadAsync(stream);
        return (record, mime);
    }
}
