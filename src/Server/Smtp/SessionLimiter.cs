using System.IO.Pipelines;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace OpenMailserver.Server.Smtp;

/// <summary>Caps the SMTP sessions open at once across every SMTP listener. The library has no such limit,
/// so this wraps its listener: a connection beyond the cap is told <c>421 4.3.2</c> and closed before a
/// session starts, and a session's slot is freed when its connection is disposed.</summary>
public sealed class SessionLimiter(int maxSessions, string hostname, Operations.MailMetrics metrics)
{
    private readonly SemaphoreSlim _slots = new(maxSessions, maxSessions);
    private readonly byte[] _refusal = Encoding.ASCII.GetBytes($"421 4.3.2 {hostname} Too many connections, try again later\r\n");
    private readonly Operations.MailMetrics _metrics = metrics;

    public int Open => maxSessions - _slots.CurrentCount;

    /// <summary>An endpoint listener factory for one SmtpServer instance, raising <paramref name="started"/>
    /// as each endpoint binds.</summary>
    public IEndpointListenerFactory Factory(Action<IEndpointDefinition, System.Net.EndPoint> started)
    {
        var inner = new EndpointListenerFactory();
        inner.EndpointStarted += (_, e) => started(e.EndpointDefinition, e.LocalEndPoint);
        return new LimitingFactory(this, inner);
    }

    private sealed class LimitingFactory(SessionLimiter limiter, IEndpointListenerFactory inner) : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition) => new LimitingListener(limiter, inner.CreateListener(endpointDefinition));
    }

    private sealed class LimitingListener(SessionLimiter limiter, IEndpointListener inner) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var pipe = await inner.GetPipeAsync(context, cancellationToken);
            if (limiter._slots.Wait(0))
            {
                limiter._metrics.Session("smtp");
                return new SlotPipe(pipe, limiter._slots);
            }

            try
            {
                await pipe.Output.WriteAsync(limiter._refusal, cancellationToken);
                await pipe.Output.FlushAsync(cancellationToken);
            }
            finally
            {
                pipe.Dispose();
            }
            // The library raises SessionFaulted for this and accepts the next connection with a fresh context.
            throw new SessionLimitReachedException();
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>The library's pipe, giving its slot back exactly once when the session ends.</summary>
    private sealed class SlotPipe(ISecurableDuplexPipe inner, SemaphoreSlim slots) : ISecurableDuplexPipe
    {
        private int _disposed;

        public PipeReader Input => inner.Input;
        public PipeWriter Output => inner.Output;
        public bool IsSecure => inner.IsSecure;
        public SslProtocols SslProtocol => inner.SslProtocol;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            inner.UpgradeAsync(certificate, protocols, cancellationToken);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            inner.Dispose();
            slots.Release();
        }
    }
}

/// <summary>A connection turned away because <c>Smtp:MaxConcurrentSessions</c> were open.</summary>
public sealed class SessionLimitReachedException() : Exception("Too many SMTP sessions open; the connection was refused with 421.");
