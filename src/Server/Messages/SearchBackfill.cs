using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Indexes for search, in small batches in the background so a large store does not delay the start, the
/// messages stored before search existed (new ones are indexed as they are stored); then gives the rows indexed
/// before rowids told time (<see cref="SearchRowIds"/>) a timed one, so searches stop reading them whole. Both read
/// the message files again: the index keeps no copy of the text.</summary>
public sealed class SearchBackfill(IMessageRepository messages, BlobStore blobs, IStore store, MimeLimits limits, ILogger<SearchBackfill> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var indexed = 0;
            while (true)
            {
                var batch = await messages.ListUnindexedAsync(BatchSize);
                if (batch.Count == 0) break;
                var fields = await ReadAsync(batch.Select(m => (m.Blob, m.ReceivedAt, Key: m.Id)), stoppingToken);
                await store.WriteAsync(async tx =>
                {
                    foreach (var (id, _, read) in fields) await messages.IndexTextAsync(tx, id, read ?? IndexedFields.Empty);
                    return true;
                }, stoppingToken);
                indexed += batch.Count;
            }
            if (indexed > 0) logger.LogInformation("Indexed {Count} older messages for search", indexed);

            // Up to the highest untimed row there is now: a row that finds its second full stays untimed, and is
            // not met again in this run.
            var (after, end, retimed) = (0L, await messages.UntimedEndAsync(), 0);
            while (true)
            {
                var batch = await messages.ListUntimedAsync(after, end, BatchSize);
                if (batch.Count == 0) break;
                after = batch[^1].SearchId;
                var fields = await ReadAsync(batch.DistinctBy(m => m.SearchId).Select(m => (m.Blob, m.ReceivedAt, Key: m.SearchId)), stoppingToken);
                // A row whose file cannot be read keeps the text it has.
                await store.WriteAsync(async tx =>
                {
                    foreach (var (searchId, receivedAt, read) in fields)
                        if (read is not null) await messages.RetimeSearchRowAsync(tx, searchId, receivedAt, read);
                    return true;
                }, stoppingToken);
                retimed += fields.Count;
                if (retimed % 100_000 < fields.Count) logger.LogInformation("Gave {Count} search rows their time so far", retimed);
            }
            if (retimed > 0) logger.LogInformation("Gave {Count} search rows their time; searches read their matches newest first", retimed);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Each message's fields (null for a file that cannot be read), oldest first, so a batch adds its rows
    /// to the index in rowid order.</summary>
    private async Task<List<(TKey Key, long ReceivedAt, IndexedFields? Fields)>> ReadAsync<TKey>(IEnumerable<(string Blob, long ReceivedAt, TKey Key)> batch,
        CancellationToken cancellationToken)
    {
        var fields = new List<(TKey, long, IndexedFields?)>();
        foreach (var (blob, receivedAt, key) in batch.OrderBy(m => m.ReceivedAt))
        {
            IndexedFields? read = null;
            try { read = MessageIndexer.Read(await blobs.ReadAsync(blob, cancellationToken), limits); }
            catch (IOException e)
            {
                logger.LogWarning("Message {Blob} cannot be indexed for search, its body is unreadable: {Error}", blob, e.Message);
            }
            fields.Add((key, receivedAt, read));
        }
        return fields;
    }
}
