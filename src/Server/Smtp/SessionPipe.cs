using System.IO.Pipelines;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;

namespace OpenMailserver.Server.Smtp;

/// <summary>One admitted SMTP session's connection, as the library sees it: the library's pipe with our
/// <see cref="CommandReader"/> in front of its input, what the pool needs to choose a session to shed (when it
/// last sent something, whether it is in a transaction), and its slot, given back exactly once when the
/// library disposes of it.</summary>
public sealed class SessionPipe : ISecurableDuplexPipe
{
    /// <summary>How long an evicted session has to take its 421 before its connection is simply closed.</summary>
    private static readonly TimeSpan EvictionGrace = TimeSpan.FromSeconds(10);

    private readonly Action<SessionPipe> _release;
    private long _lastActivity = Environment.TickCount64;
    private int _evicted;
    private int _disposed;
    private readonly List<Action> _closed = [];

    public SessionPipe(ISecurableDuplexPipe inner, ISessionContext context, IPAddress? remote, string hostname, string postmasterDomain,
        Action<SessionPipe> release)
    {
        Inner = inner;
        Context = context;
        Remote = remote;
        _release = release;
        Input = new CommandReader(this, hostname, postmasterDomain);
    }

    public ISecurableDuplexPipe Inner { get; }
    public ISessionContext Context { get; }
    public IPAddress? Remote { get; }

    /// <summary>Between an accepted MAIL FROM and the end of its DATA (or RSET): a session with a message on
    /// its way is shed only once it has stalled.</summary>
    public bool InTransaction { get; set; }

    /// <summary>False while the library reads a message after DATA, when lines are the message's, not commands.</summary>
    public bool ReadingCommands { get; set; } = true;

    public long IdleSince => Interlocked.Read(ref _lastActivity);
    public long IdleMilliseconds => Environment.TickCount64 - IdleSince;
    public bool Evicted => Volatile.Read(ref _evicted) == 1;

    public PipeReader Input { get; }
    public PipeWriter Output => Inner.Output;
    public bool IsSecure => Inner.IsSecure;
    public SslProtocols SslProtocol => Inner.SslProtocol;

    public void Touch() => Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);

    /// <summary>Ends the session to make room: its pending read wakes, says 421 and reports the end of input,
    /// so the library closes the session the ordinary way. A client that does not read is cut off after a grace.</summary>
    public void Evict()
    {
        if (Interlocked.Exchange(ref _evicted, 1) == 1) return;
        try
        {
            Inner.Input.CancelPendingRead();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The session was closing anyway.
        }
        _ = Task.Delay(EvictionGrace).ContinueWith(_ =>
        {
            if (Volatile.Read(ref _disposed) == 0) Inner.Dispose();
        }, TaskScheduler.Default);
    }

    public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
        Inner.UpgradeAsync(certificate, protocols, cancellationToken);

    /// <summary>Runs <paramref name="action"/> when the session ends (at once if it has ended).</summary>
    public void OnClosed(Action action)
    {
        lock (_closed)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                _closed.Add(action);
                return;
            }
        }
        action();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Inner.Dispose();
        _release(this);
        List<Action> closed;
        lock (_closed) closed = [.. _closed];
        foreach (var action in closed) action();
    }
}
