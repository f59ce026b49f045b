namespace OpenMailserver.Server.Operations;

/// <summary>The last log lines, already redacted, for <c>GET /v1/debug/logs</c>. Bounded, so it costs a
/// fixed amount of memory however long the server runs.</summary>
public sealed class LogRingBuffer(int capacity = 2000)
{
    public sealed record Entry(DateTimeOffset Time, LogLevel Level, string Category, string Message);

    private readonly Queue<Entry> _entries = new();
    private readonly Lock _lock = new();

    private Action<Entry>? _listener;

    public void Add(Entry entry)
    {
        Action<Entry>? listener;
        lock (_lock)
        {
            if (_entries.Count == capacity) _entries.Dequeue();
            _entries.Enqueue(entry);
            listener = _listener;
        }
        listener?.Invoke(entry);
    }

    /// <summary>Hands every entry so far, then each new one, to <paramref name="listener"/> (the log file),
    /// so nothing logged before it started is missed and nothing is handed twice.</summary>
    public void Follow(Action<Entry> listener)
    {
        lock (_lock)
        {
            foreach (var entry in _entries) listener(entry);
            _listener = listener;
        }
    }

    /// <summary>The line as the log file and <c>GET /v1/debug/logs</c> show it.</summary>
    public static string Format(Entry e) => $"{e.Time:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {e.Level} {e.Category}: {e.Message}";

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
