using System.Collections.Concurrent;

namespace OpenMailserver.Server.Telemetry;

/// <summary>The network listeners that are bound right now, by name, as their owners report them.</summary>
public sealed class ListenerRegistry
{
    private readonly ConcurrentDictionary<string, string> _bound = new();

    public void Bound(string name, string endpoint) => _bound[name] = endpoint;

    public void Closed(string name) => _bound.TryRemove(name, out _);

    public IReadOnlyDictionary<string, string> Snapshot() => new SortedDictionary<string, string>(_bound);
}
