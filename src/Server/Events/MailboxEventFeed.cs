using System.Collections.Concurrent;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Events;

/// <summary>Serves "the events after cursor N" to many watchers of one mailbox from one read per change:
/// the newest <see cref="Window"/> events of each watched mailbox are kept, reloaded once after each change
/// notification, and every watcher that is caught up takes its events from there instead of asking the
/// database itself. A watcher further behind (a resume from long ago) reads the database directly.</summary>
public sealed class MailboxEventFeed
{
    public const int Window = 256;

    /// <summary>A change whose notification was lost is still seen after this long.</summary>
    private const long MaxAgeMs = 10_000;

    private readonly IMailboxEventRepository _events;
    private readonly ConcurrentDictionary<long, Recent> _recent = new();

    public MailboxEventFeed(IMailboxEventRepository events, MailboxChanges changes)
    {
        _events = events;
        changes.SubscribeAll(mailboxId =>
        {
            if (_recent.TryGetValue(mailboxId, out var recent)) Interlocked.Increment(ref recent.Version);
        });
    }

    public async Task<IReadOnlyList<MailboxEventRecord>> AfterAsync(long mailboxId, long cursor, IReadOnlyCollection<string> types, int limit)
    {
        var recent = _recent.GetOrAdd(mailboxId, _ => new Recent());
        var version = Volatile.Read(ref recent.Version);
        if (recent.LoadedVersion != version || Environment.TickCount64 - recent.LoadedAt > MaxAgeMs)
        {
            await recent.Lock.WaitAsync();
            try
            {
                version = Volatile.Read(ref recent.Version);
                if (recent.LoadedVersion != version || Environment.TickCount64 - recent.LoadedAt > MaxAgeMs)
                {
                    recent.Events = await _events.ListLatestAsync(mailboxId, Window);
                    recent.LoadedVersion = version;
                    recent.LoadedAt = Environment.TickCount64;
                }
            }
            finally
            {
                recent.Lock.Release();
            }
        }
        var cached = recent.Events;
        var complete = cached.Count < Window || cursor >= cached[0].Id;
        if (!complete) return await _events.ListAfterAsync(mailboxId, cursor, types, limit);
        return cached.Where(e => e.Id > cursor && (types.Count == 0 || types.Contains(e.EventType))).Take(limit).ToList();
    }

    private sealed class Recent
    {
        public readonly SemaphoreSlim Lock = new(1, 1);
        public long Version;
        public long LoadedVersion = -1;
        public long LoadedAt;
        public IReadOnlyList<MailboxEventRecord> Events = [];
    }
}
