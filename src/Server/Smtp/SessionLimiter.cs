using System.Net;
using System.Text;
using OpenMailserver.Server.Net;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace OpenMailserver.Server.Smtp;

/// <summary>One pool of SMTP sessions (the MX has one, submission another), which the library lacks, so this
/// wraps its listener. A connection is admitted while its client address holds fewer than the per-address
/// limit and the pool has room. When the pool is full, the longest-idle session that
/// <paramref name="mayShed"/> allows is closed with 421 4.7.0 to make room; only if there is none is the new
/// connection told 421 4.3.2. Refused connections are closed before a session starts.</summary>
public sealed class SessionLimiter(
    string role, int maxSessions, int maxPerAddress, Func<SessionPipe, bool> mayShed, string hostname, string postmasterDomain,
    Telemetry.MailMetrics metrics, ILogger logger)
{
    private readonly byte[] _poolFull = Encoding.ASCII.GetBytes($"421 4.3.2 {hostname} Too many connections, try again later\r\n");
    private readonly byte[] _addressFull = Encoding.ASCII.GetBytes($"421 4.7.0 {hostname} Too many connections from your address, try again later\r\n");
    private readonly ConnectionsPerAddress _perAddress = new(maxPerAddress);
    private readonly List<SessionPipe> _sessions = [];
    private readonly Lock _gate = new();
    /// <summary>Sessions that count against the pool: admitted, not yet closed, not being shed.</summary>
    private int _live;

    /// <summary>An endpoint listener factory for one SmtpServer instance, raising <paramref name="started"/>
    /// as each endpoint binds.</summary>
    public IEndpointListenerFactory Factory(Action<IEndpointDefinition, EndPoint> started)
    {
        var inner = new EndpointListenerFactory();
        inner.EndpointStarted += (_, e) => started(e.EndpointDefinition, e.LocalEndPoint);
        return new LimitingFactory(this, inner);
    }

    private SessionPipe? Admit(ISecurableDuplexPipe pipe, ISessionContext context, out byte[]? refusal, out SessionPipe? shed)
    {
        var remote = context.RemoteAddress();
        refusal = null;
        shed = null;
        lock (_gate)
        {
            if (!_perAddress.TryAdd(remote))
            {
                refusal = _addressFull;
                return null;
            }
            if (_live >= maxSessions)
            {
                shed = _sessions.Where(s => !s.Evicted && mayShed(s)).MinBy(s => s.IdleSince);
                if (shed is null)
                {
                    _perAddress.Remove(remote);
                    refusal = _poolFull;
                    return null;
                }
                shed.Evict();
                _live--;
            }
            var session = new SessionPipe(pipe, context, remote, hostname, postmasterDomain, Release);
            _sessions.Add(session);
            _live++;
            return session;
        }
    }

    private void Release(SessionPipe session)
    {
        lock (_gate)
        {
            if (!_sessions.Remove(session)) return;
            if (!session.Evicted) _live--;
            _perAddress.Remove(session.Remote);
        }
    }

    private sealed class LimitingFactory(SessionLimiter limiter, IEndpointListenerFactory inner) : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new LimitingListener(limiter, inner.CreateListener(endpointDefinition));
    }

    private sealed class LimitingListener(SessionLimiter limiter, IEndpointListener inner) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken) =>
            await limiter.AcceptAsync(await inner.GetPipeAsync(context, cancellationToken), context, cancellationToken);

        public void Dispose() => inner.Dispose();
    }

    private async Task<ISecurableDuplexPipe> AcceptAsync(ISecurableDuplexPipe pipe, ISessionContext context, CancellationToken cancellationToken)
    {
        var session = Admit(pipe, context, out var refusal, out var shed);
        if (shed is not null)
            logger.LogInformation("SMTP {Role} pool full: closed the idle session from {Shed} to admit {Remote}", role, shed.Remote, context.RemoteAddress());
        if (session is not null)
        {
            metrics.Session("smtp");
            return session;
        }

        try
        {
            // On the implicit-TLS port the client speaks TLS first: a 421 in clear would only be garbage to it.
            if (pipe.IsSecure || !context.EndpointDefinition.IsSecure)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                await pipe.Output.WriteAsync(refusal, timeout.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
        finally
        {
            pipe.Dispose();
        }
        // The library raises SessionFaulted for this and accepts the next connection with a fresh context.
        throw new SessionLimitReachedException(refusal == _addressFull
            ? $"SMTP {role} connection from {context.RemoteAddress()} refused: it holds {maxPerAddress} sessions already"
            : $"SMTP {role} connection from {context.RemoteAddress()} refused: all {maxSessions} sessions are busy");
    }
}

/// <summary>A connection turned away by a <see cref="SessionLimiter"/>, after its 421.</summary>
public sealed class SessionLimitReachedException(string message) : Exception(message);
