using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Indexes for search the messages stored before search existed (new ones are indexed as they
/// are stored), in small batches in the background so a large store does not delay the start.</summary>
public sealed class SearchBackfill(IMessageRepository messages, BlobStore blobs, IStore store, MimeLimits limits, ILogger<SearchBackfill> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var total = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = await messages.ListUnindexedAsync(BatchSize);
                if (batch.Count == 0) break;
                var fields = new List<(string Id, IndexedFields Fields)>();
                foreach (var (id, blob) in batch)
                {
                    IndexedFields read;
                    try { read = MessageIndexer.Read(await blobs.ReadAsync(blob, stoppingToken), limits); }
                    catch (IOException e)
                    {
                        logger.LogWarning("Message {Id} cannot be indexed for search, its body is unreadable: {Error}", id, e.Message);
                        read = IndexedFields.Empty;
                    }
                    fields.Add((id, read));
                }
                await store.WriteAsync(async tx =>
                {
                    foreach (var (id, read) in fields) await messages.IndexTextAsync(tx, id, read);
                    return true;
                }, stoppingToken);
                total += batch.Count;
            }
            if (total > 0) logger.LogInformation("Indexed {Count} older messages for search", total);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
