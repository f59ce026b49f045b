using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>SMTP sessions kept open after a delivered message, so the next message to the same host and
/// address skips the connection, the TLS handshake and EHLO (as Postfix's connection cache does). A
/// session is reused for at most <see cref="MaxMessages"/> messages and <see cref="MaxAge"/> (and not so close
/// to its <c>Delivery:SessionTimeout</c> that a message could not finish), and closed after
/// <c>Delivery:SessionIdleTime</c> without one.</summary>
public sealed class SmtpSessionPool : IAsyncDisposable
{
    public const int MaxMessages = 100;
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Sessions are shared only between deliveries that would open the same one.</summary>
    public sealed record Key(string Host, string Address, int Port, bool Plain, bool ImplicitTls, bool RequireTls, bool VerifyCertificate, string? User);

    /// <summary>An open session and what was learnt when it was opened, for the trace of each reuse.</summary>
    public sealed class Session(RemoteSmtpClient client, IReadOnlyDictionary<string, object?> connectedFacts, DateTimeOffset openedAt)
    {
        public RemoteSmtpClient Client { get; } = client;
        public IReadOnlyDictionary<string, object?> ConnectedFacts { get; } = connectedFacts;
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public int Messages { get; set; }
        public DateTimeOffset IdleSince { get; set; }
    }

    private readonly Dictionary<Key, Stack<Session>> _idle = [];
    private readonly TimeSpan _idleTime;
    private readonly TimeSpan _commandTimeout;
    private readonly TimeProvider _time;
    private readonly ITimer? _sweeper;

    public SmtpSessionPool(IOptions<DeliveryOptions> options, TimeProvider time)
    {
        _idleTime = options.Value.SessionIdleTime;
        _commandTimeout = options.Value.CommandTimeout;
        _time = time;
        if (_idleTime > TimeSpan.Zero) _sweeper = time.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>An idle session for <paramref name="key"/> that can still be used, or null.</summary>
    public Session? Take(Key key)
    {
        lock (_idle)
        {
            if (!_idle.TryGetValue(key, out var sessions)) return null;
            while (sessions.TryPop(out var session))
            {
                if (session.Client.IsConnected && Fresh(session)) return session;
                Close(session);
            }
            return null;
        }
    }

    /// <summary>Keeps a session that just delivered a message, unless it has done its share.</summary>
    public void Return(Key key, Session session)
    {
        session.Messages++;
        if (_idleTime <= TimeSpan.Zero || session.Messages >= MaxMessages || !Fresh(session) || !session.Client.IsConnected)
        {
            Close(session);
            return;
        }
        session.Client.RecipientReplies.Clear();
        session.IdleSince = _time.GetUtcNow();
        lock (_idle)
        {
            if (!_idle.TryGetValue(key, out var sessions)) _idle[key] = sessions = new Stack<Session>();
            sessions.Push(session);
        }
    }

    /// <summary>Young enough to reuse, with time left before its <c>Delivery:SessionTimeout</c> for one more
    /// message.</summary>
    private bool Fresh(Session session)
    {
        var now = _time.GetUtcNow();
        return now - session.OpenedAt < MaxAge && session.Client.Guard.Deadline - now > _commandTimeout;
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        lock (_idle)
        {
            foreach (var (key, sessions) in _idle.ToList())
            {
                var keep = sessions.Where(s => now - s.IdleSince < _idleTime && Fresh(s)).Reverse().ToList();
                foreach (var expired in sessions.Except(keep)) Close(expired);
                if (keep.Count == 0) _idle.Remove(key);
                else _idle[key] = new Stack<Session>(keep);
            }
        }
    }

    /// <summary>QUIT in the background: nothing waits for a session it no longer needs, and a QUIT that
    /// goes wrong changes nothing.</summary>
    public static void Close(RemoteSmtpClient client) => _ = QuitAsync(client);

    private static void Close(Session session) => Close(session.Client);

    private static async Task QuitAsync(RemoteSmtpClient client)
    {
        try
        {
            if (client.IsConnected) await client.DisconnectAsync(quit: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The other side may already have gone; either way the session is over.
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sweeper is not null) await _sweeper.DisposeAsync();
        List<Session> all;
        lock (_idle)
        {
            all = _idle.Values.SelectMany(s => s).ToList();
            _idle.Clear();
        }
        await Task.WhenAll(all.Select(s => QuitAsync(s.Client)));
    }
}
