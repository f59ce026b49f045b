using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Messages;

/// <summary>Moves the text that deliveries queue (<c>search_queue</c>) into the full-text index, in batches in its
/// own writes, shortly after they commit: FTS5 then writes one segment per batch instead of one per message, and
/// no delivery waits for the index. A search first indexes what its own mailbox still has queued
/// (<see cref="CatchUpAsync"/>), so it finds every message stored before it began.</summary>
public sealed class SearchIndexer(IStore store, IMessageRepository messages, MailboxChanges changes, ILogger<SearchIndexer> logger) : BackgroundService
{
    /// <summary>Texts per write: large enough that the index grows by few segments, small enough that the writer
    /// is held for tens of milliseconds, not seconds.</summary>
    public const int BatchSize = 200;

    /// <summary>How long the indexer lets deliveries gather after one commits, so a busy MX is indexed in full batches.</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _queued = new(0, 1);

    /// <summary>Indexes the texts the mailbox had queued when the search began (text queued later was stored
    /// after it began), in batches; a read decides first whether there is any, so most searches write nothing.</summary>
    public async Task CatchUpAsync(long mailboxId, CancellationToken cancellationToken)
    {
        var queued = await messages.CountQueuedAsync(mailboxId);
        for (var left = queued; left > 0; left -= BatchSize)
            if (await store.WriteAsync(tx => messages.IndexQueuedAsync(tx, mailboxId, BatchSize), cancellationToken) < BatchSize) break;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.SubscribeAll(_ => Signal());
        Signal();
        try
        {
            while (true)
            {
                await _queued.WaitAsync(stoppingToken);
                await Task.Delay(Gather, stoppingToken);
                try
                {
                    while (await store.WriteAsync(tx => messages.IndexQueuedAsync(tx, null, BatchSize), stoppingToken) == BatchSize)
                    {
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The text stays queued: the next commit, or the next search of its mailbox, tries again.
                    logger.LogWarning(e, "Indexing queued messages for search failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Signal()
    {
        if (_queued.CurrentCount > 0) return;
        try { _queued.Release(); } catch (SemaphoreFullException) { }
    }
}
