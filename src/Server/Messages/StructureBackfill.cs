using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Reads the MIME structure of the messages stored before it was kept (new ones get it as they are
/// stored), in small batches in the background so a large store does not delay the start. Every message
/// gets a value, even one whose file cannot be read or parsed (empty: not kept), so the pass ends.</summary>
public sealed class StructureBackfill(IMessageRepository messages, BlobStore blobs, IStore store, MimeLimits limits, ILogger<StructureBackfill> logger)
    : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var total = 0;
        var after = "";
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = await messages.ListWithoutStructureAsync(after, BatchSize);
                if (batch.Count == 0)
                {
                    // Every message stored from now on gets its structure as it is stored.
                    await store.WriteAsync(messages.MarkStructuresCompleteAsync, stoppingToken);
                    break;
                }
                after = batch[^1].Id;
                var read = new List<(string Id, byte[] Structure)>();
                foreach (var (id, blob) in batch) read.Add((id, await ReadAsync(id, blob, stoppingToken)));
                await store.WriteAsync(async tx =>
                {
                    foreach (var (id, structure) in read) await messages.SetStructureAsync(tx, id, structure);
                }, stoppingToken);
                total += batch.Count;
            }
            if (total > 0) logger.LogInformation("Read the MIME structure of {Count} older messages", total);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<byte[]> ReadAsync(string id, string blob, CancellationToken cancellationToken)
    {
        try
        {
            var (bounded, ranges) = BoundedMime.LoadWithRanges(await blobs.ReadAsync(blob, cancellationToken), limits);
            return MimeTree.StoredForm(bounded, ranges);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the reason (an unreadable file, a message MimeKit cannot take), the message gets a value,
            // so the pass ends and the server keeps running.
            logger.LogWarning("The MIME structure of message {Id} cannot be read, it will be read when shown: {Error}", id, e.Message);
            return [];
        }
    }
}
