using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Imap.Connection;
using OpenMailserver.Server.Imap.Session;
using OpenMailserver.Server.Net;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Imap;

/// <summary>Accepts IMAP connections on the implicit-TLS port and the STARTTLS port, runs a session for
/// each, caps how many run at once, and ends them all on shutdown.</summary>
public sealed class ImapListener(ImapServices services, IOptions<ImapOptions> imap, IOptions<ServerOptions> server, ListenerRegistry registry, MailMetrics metrics,
    ILogger<ImapListener> logger)
    : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _loops = [];
    private readonly HashSet<Task> _sessions = [];
    private SemaphoreSlim? _slots;
    private ConnectionsPerAddress? _perAddress;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = imap.Value;
        if (o.TlsPort == 0 && o.Port == 0) return Task.CompletedTask;
        services.Certificates.EnsureReady();
        _slots = new SemaphoreSlim(o.MaxConcurrentSessions);
        _perAddress = new ConnectionsPerAddress(o.MaxSessionsPerAddress);
        var address = IPAddress.Parse(server.Value.BindAddress);
        foreach (var (port, tls, name) in new[] { (o.TlsPort, true, "imaps"), (o.Port, false, "imap") })
        {
            if (port == 0) continue;
            var listener = new TcpListener(address, port);
            try
            {
                listener.Start(backlog: 512);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException($"IMAP listener could not start on port {port}: {e.Message}", e);
            }
            _listeners.Add(listener);
            registry.Bound(name, listener.LocalEndpoint.ToString()!);
            logger.LogInformation("IMAP {Role} listening on {Endpoint}", tls ? "(implicit TLS)" : "(STARTTLS)", listener.LocalEndpoint);
            _loops.Add(AcceptAsync(listener, tls));
        }
        return Task.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, bool tls)
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                logger.LogWarning("IMAP accept failed: {Error}", e.Message);
                continue;
            }
            metrics.Session("imap");
            var session = RunAsync(client, tls);
            lock (_sessions) _sessions.Add(session);
            _ = session.ContinueWith(t =>
            {
                lock (_sessions) _sessions.Remove(t);
            }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(TcpClient client, bool tls)
    {
        using var _ = client;
        var remote = (client.Client.RemoteEndPoint as IPEndPoint)?.Address;
        if (remote is { IsIPv4MappedToIPv6: true }) remote = remote.MapToIPv4();
        if (!_perAddress!.TryAdd(remote))
        {
            logger.LogWarning("IMAP connection from {Remote} refused: Imap:MaxSessionsPerAddress reached", remote);
            await RefuseAsync(client, tls, "* BYE [UNAVAILABLE] Too many connections from your address, try again later\r\n"u8.ToArray());
            return;
        }
        if (!_slots!.Wait(0))
        {
            _perAddress.Remove(remote);
            logger.LogWarning("IMAP connection from {Remote} refused: Imap:MaxConcurrentSessions reached", remote);
            await RefuseAsync(client, tls, "* BYE [UNAVAILABLE] Too many connections, try again later\r\n"u8.ToArray());
            return;
        }
        ImapSession? session = null;
        try
        {
            client.NoDelay = true;
            Stream stream = client.GetStream();
            if (tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshake.CancelAfter(ImapConnection.HandshakeTimeout);
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = services.Certificates.Current,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                }, handshake.Token);
                stream = ssl;
            }
            await using (stream)
            {
                session = new ImapSession(services, stream, remote, () => QuickAck(client.Client));
                await session.RunAsync(_stopping.Token);
                await LingeringCloseAsync(client, stream);
            }
        }
        catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            logger.LogDebug("IMAP session from {Remote} ended: {Error}", remote, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "IMAP session from {Remote} failed", remote);
        }
        finally
        {
            if (session is not null) services.MailboxSessions.Leave(session);
            _perAddress.Remove(remote);
            _slots.Release();
        }
    }

    /// <summary>Ends a connection so that our last reply (a BYE) reaches a client that is still sending: closing a
    /// socket with unread input makes the kernel send a reset, which can destroy the reply on its way. So we
    /// stop sending first, then read and drop what still comes, for at most a second.</summary>
    private static async Task LingeringCloseAsync(TcpClient client, Stream stream)
    {
        try
        {
            if (stream is SslStream ssl) await ssl.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(1));
            client.Client.Shutdown(SocketShutdown.Send);
            using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var buffer = new byte[16 * 1024];
            var network = client.GetStream();
            while (await network.ReadAsync(buffer, linger.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or TimeoutException)
        {
            // Gone already, or still sending after a second: the connection is closed either way.
        }
    }

    /// <summary>On the cleartext port the client is told why; no TLS handshake is spent on a refused connection.</summary>
    private static async Task RefuseAsync(TcpClient client, bool tls, byte[] bye)
    {
        if (tls) return;
        try
        {
            await client.GetStream().WriteAsync(bye);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Acknowledge what was just read at once instead of after the 40 ms delayed-ACK timer. A client
    /// that sends a command in two writes (line, then literal) with Nagle's algorithm on waits for that ACK
    /// before its second write; without this every APPEND from such a client stalls for 40 ms. Linux
    /// resets the option after use, so it is set again after every read.</summary>
    private static void QuickAck(Socket socket)
    {
        if (!OperatingSystem.IsLinux()) return;
        const int tcpQuickAck = 12;
        try
        {
            socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, tcpQuickAck, [1, 0, 0, 0]);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var listener in _listeners) listener.Stop();
        Task[] running;
        lock (_sessions) running = [.. _sessions];
        await Task.WhenAny(Task.WhenAll(_loops.Concat(running)), Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        registry.Closed("imaps");
        registry.Closed("imap");
    }
}
