namespace OpenMailserver.Server.Operations;

/// <summary>The last log lines, already redacted, for <c>GET /v1/debug/logs</c>. Bounded, so it costs a
/// fixed amount of memory however long the server runs.</summary>
public sealed class LogRingBuffer(int capacity = 2000)
{
    public sealed record Entry(DateTimeOffset Time, LogLevel Level, string Category, string Message);

    private readonly Queue<Entry> _entries = new();
    private readonly Lock _lock = new();

    public void Add(Entry entry)
    {
        lock (_lock)
        {
            if (_entries.Count == capacity) _entries.Dequeue();
            _entries.Enqueue(entry);
        }
    }

    /// <summary>The newest <paramref name="limit"/> entries at or above <paramref name="minimum"/>, oldest first.</summary>
    public IReadOnlyList<Entry> Tail(int limit, LogLevel minimum)
    {
        lock (_lock)
        {
            var matching = _entries.Where(e => e.Level >= minimum).ToList();
            return matching.Skip(Math.Max(0, matching.Count - limit)).ToList();
        }
    }
}
