using System.Collections.Concurrent;

namespace OpenMailserver.Server.Messages;

/// <summary>Tells live sessions (IMAP IDLE, and later watchers) that a mailbox changed. Writers call
/// <see cref="Notify"/> after their transaction commits; listeners then read the new state themselves, so a
/// lost or merged notification costs only latency, never correctness.</summary>
public sealed class MailboxChangeNotifier
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

    public void Notify(long mailboxId)
    {
        foreach (var listener in _everything.Values) listener(mailboxId);
        if (!_listeners.TryGetValue(mailboxId, out var set)) return;
        foreach (var listener in set.Values) listener();
    }

    public void Notify(IEnumerable<long> mailboxIds)
    {
        foreach (var id in mailboxIds.Distinct()) Notify(id);
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
