using System.Collections.Concurrent;

namespace OpenMailserver.Server.Storage;

/// <summary>Tells live sessions (IMAP IDLE, the event feed, webhooks) that a mailbox changed. Only the store
/// raises it, after the commit of a unit of work that marked the mailbox, so no writer can forget it; listeners
/// then read the new state themselves, so a lost or merged notification costs only latency, never correctness.</summary>
public sealed class MailboxChanges
{
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Guid, Action>> _listeners = new();

    private readonly ConcurrentDictionary<Guid, Action<long>> _everything = new();

    /// <summary>Hears about every mailbox, with the id of the one that changed (webhooks, the event feed).</summary>
    public IDisposable SubscribeAll(Action<long> changed)
    {
        var id = Guid.NewGuid();
        _everything[id] = changed;
        return new Subscription(() => _everything.TryRemove(id, out _));
    }

    public IDisposable Subscribe(long mailboxId, Action changed)
    {
        var id = Guid.NewGuid();
        _listeners.GetOrAdd(mailboxId, _ => new())[id] = changed;
        return new Subscription(() =>
        {
            if (_listeners.TryGetValue(mailboxId, out var set)) set.TryRemove(id, out _);
        });
    }

    private void Raise(long mailboxId)
    {
        foreach (var listener in _everything.Values) listener(mailboxId);
        if (!_listeners.TryGetValue(mailboxId, out var set)) return;
        foreach (var listener in set.Values) listener();
    }

    internal void Raise(IReadOnlyCollection<long> mailboxIds)
    {
        foreach (var id in mailboxIds) Raise(id);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}
