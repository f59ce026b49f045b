using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Existing mail brought into a mailbox (a migration, <c>openmailserver import mbox</c>): each batch goes
/// through the one ingest path in one unit of work, under keys the caller chose, so that a batch is stored whole
/// or not at all and an import run again skips every key stored before. Imported mail counts against the quota
/// and raises no events: it arrived long ago.</summary>
public sealed class MessageImport(IStore store, MessageIngest ingest, IMessageRepository messages, IOptions<LimitsOptions> limits, TimeProvider time,
    ILogger<MessageImport> logger)
{
    public const int MaxBatch = 1000;
    public const int MaxKeyLength = 200;
    public const int MaxFlags = 64;

    public sealed record Item(ReadOnlyMemory<byte> Raw, string Key, DateTimeOffset? ReceivedAt, IReadOnlyList<string> Flags);

    public sealed record Result(int Imported, int Skipped);

    public async Task<Result> ImportAsync(MailboxRecord mailbox, string folder, IReadOnlyList<Item> items, CancellationToken cancellationToken)
    {
        var flags = Check(items);
        var known = await messages.ImportedKeysAsync(mailbox.Id, items.Select(i => i.Key).ToList());
        var fresh = items.Select((item, index) => (Item: item, Flags: flags[index])).Where(x => !known.Contains(x.Item.Key)).ToList();
        if (fresh.Count == 0) return new Result(0, items.Count);
        // The refusals the write would make, made before any message file is written: a refused request leaves nothing.
        if (!mailbox.IsActive) throw new MailServerException(ErrorKind.FailedPrecondition, $"mailbox {mailbox.Address} is disabled");
        if (await messages.FindFolderAsync(mailbox.Id, folder) is null) throw new MailServerException(ErrorKind.NotFound, $"no folder {EmailAddress.Shorten(folder)}");
        if (await messages.CountInMailboxAsync(mailbox.Id) + fresh.Count > mailbox.Quota)
            throw new MailServerException(ErrorKind.ResourceExhausted, $"mailbox {mailbox.Address} holds at most {mailbox.Quota} messages; nothing of this request was stored");
        if (await messages.StorageUsedAsync(mailbox.Id) + fresh.Sum(x => (long)x.Item.Raw.Length) > mailbox.StorageQuota)
            throw new MailServerException(ErrorKind.ResourceExhausted, $"mailbox {mailbox.Address} holds at most {mailbox.StorageQuota} bytes; nothing of this request was stored");

        // Written and parsed before the write, several at a time: their fsyncs overlap, and the writer waits for none.
        var prepared = new PreparedMessage[fresh.Count];
        await Parallel.ForAsync(0, fresh.Count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) => prepared[i] = await ingest.PrepareAsync(fresh[i].Item.Raw, ct));

        var now = time.GetUtcNow();
        var result = await store.WriteAsync(async tx =>
        {
            // Read again inside the write: the same keys may have come in through another request meanwhile.
            var stored = await messages.ImportedKeysAsync(mailbox.Id, fresh.Select(f => f.Item.Key).ToList(), tx);
            var imported = 0;
            for (var i = 0; i < fresh.Count; i++)
            {
                var (item, itemFlags) = fresh[i];
                if (stored.Contains(item.Key)) continue;
                var outcome = await ingest.StoreAsync(tx, mailbox.Id, folder, prepared[i],
                    new IngestOptions(Event: null, (item.ReceivedAt ?? now).ToUnixTimeMilliseconds(), itemFlags));
                if (outcome.Refusal != StoreRefusal.None) throw Refused(outcome, folder);
                await messages.RecordImportAsync(tx, mailbox.Id, item.Key, outcome.Message!.Id);
                imported++;
            }
            return new Result(imported, items.Count - imported);
        }, cancellationToken);
        logger.LogInformation("Imported {Imported} messages into {Address} {Folder} ({Skipped} imported before)", result.Imported, mailbox.Address, folder, result.Skipped);
        return result;
    }

    /// <summary>The batch within its bounds, each key once, each flag one a client may store; the flags as stored.</summary>
    private string[] Check(IReadOnlyList<Item> items)
    {
        if (items.Count == 0) throw new MailServerException(ErrorKind.InvalidArgument, "messages is empty: give at least one message to import");
        if (items.Count > MaxBatch) throw new MailServerException(ErrorKind.InvalidArgument, $"at most {MaxBatch} messages per request, not {items.Count}");
        var limit = limits.Value.MaxMessageBytes;
        if (items.Sum(i => (long)i.Raw.Length) > limit)
            throw new MailServerException(ErrorKind.InvalidArgument, $"the messages of one request may hold at most {limit} bytes together (Limits:MaxMessageBytes); send fewer at a time");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var flags = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Raw.Length == 0) throw new MailServerException(ErrorKind.InvalidArgument, $"message {i} is empty");
            if (item.Key.Length is 0 or > MaxKeyLength || item.Key.Any(char.IsControl) || item.Key.Any(char.IsSurrogate))
                throw new MailServerException(ErrorKind.InvalidArgument, $"message {i}: key must be 1 to {MaxKeyLength} characters, none of them a control or surrogate character");
            if (!keys.Add(item.Key)) throw new MailServerException(ErrorKind.InvalidArgument, $"message {i}: key {EmailAddress.Shorten(item.Key)} appears twice in the request");
            if (item.Flags.Count > MaxFlags) throw new MailServerException(ErrorKind.InvalidArgument, $"message {i}: at most {MaxFlags} flags");
            flags[i] = MessageFlags.Format(item.Flags.Select(f => Flag(f, i)));
            if (item.ReceivedAt is { } at && (at.Year < 1970 || at > time.GetUtcNow().AddDays(1)))
                throw new MailServerException(ErrorKind.InvalidArgument, $"message {i}: received_at must lie between 1970 and now");
        }
        return flags;
    }

    /// <summary>A system flag a client may set, in its canonical spelling, or a keyword as the API's labels are
    /// (an IMAP atom), so that every IMAP response can carry it.</summary>
    private static string Flag(string flag, int index)
    {
        if (flag.StartsWith('\\'))
            return MessageFlags.Canonical(flag) ?? throw new MailServerException(ErrorKind.InvalidArgument, $"message {index}: {EmailAddress.Shorten(flag)} is not a flag that can be stored");
        MailboxOrganizer.ValidateLabel(flag);
        return flag;
    }

    private static MailServerException Refused(IngestResult outcome, string folder) => outcome.Refusal switch
    {
        StoreRefusal.OverQuota => new MailServerException(ErrorKind.ResourceExhausted, $"{outcome.Reason}; nothing of this request was stored"),
        StoreRefusal.NoFolder => new MailServerException(ErrorKind.NotFound, $"no folder {EmailAddress.Shorten(folder)}"),
        _ => new MailServerException(ErrorKind.FailedPrecondition, outcome.Reason ?? "the message was not stored"),
    };
}
