using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Net;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using OpenMailserver.Server.Telemetry;

namespace OpenMailserver.Server.Smtp;

/// <summary>Runs the SMTP listeners on the SmtpServer package: the MX (no AUTH, hosted recipients only)
/// and submission with implicit TLS and with STARTTLS (AUTH required, offered only under TLS). Two server
/// instances, so each role has only its own filter, store and authenticator. Start-up waits until every
/// configured port is bound and fails the host if one cannot be.</summary>
public sealed class SmtpListeners(
    IOptions<SmtpOptions> smtp, IOptions<LimitsOptions> limits, IOptions<ServerOptions> server, TlsCertificateProvider certificates, ListenerRegistry registry,
    InboundMailboxFilter inboundFilter, InboundMessageStore inboundStore,
    SubmissionMailboxFilter submissionFilter, SubmissionMessageStore submissionStore, SubmissionAuthenticator authenticator,
    MailMetrics metrics, ILogger<SmtpListeners> logger) : IHostedService
{
    /// <summary>The cap on one whole session; generous, so a slow client can still send a large message.</summary>
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(30);

    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = smtp.Value;
        var ports = new (string Name, int Port)[] { ("smtp", o.Port), ("submissions", o.SubmissionTlsPort), ("submission", o.SubmissionPort) };
        if (ports.All(p => p.Port == 0)) return;
        certificates.EnsureReady();

        var address = IPAddress.Parse(server.Value.BindAddress);
        var hostname = server.Value.Hostname;
        var postmasterDomain = server.Value.Domain;
        // The library keeps serving its other endpoints when one cannot bind and never reports it, so a port
        // in use is found here and named, instead of surfacing as a start-up time-out.
        foreach (var (name, port) in ports.Where(p => p.Port > 0))
        {
            try
            {
                var probe = new System.Net.Sockets.TcpListener(address, port);
                probe.Start();
                probe.Stop();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new InvalidOperationException($"SMTP {name} port {port} on {address} cannot be bound: {e.Message}", e);
            }
        }
        var bound = ports.Where(p => p.Port > 0).ToDictionary(p => p.Port, p => (p.Name, Started: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
        void Started(IEndpointDefinition endpoint, EndPoint local)
        {
            var (name, started) = bound[endpoint.Endpoint.Port];
            registry.Bound(name, local.ToString()!);
            logger.LogInformation("SMTP {Role} listening on {Endpoint}", name switch
            {
                "smtp" => "inbound (MX)",
                "submissions" => "submission (implicit TLS)",
                _ => "submission (STARTTLS)",
            }, local);
            started.TrySetResult();
        }

        if (o.Port > 0)
        {
            var builder = Options(hostname).Endpoint(e => Endpoint(e, address, o.Port));
            // A session with a message on its way is not shed while its client keeps talking; one that is idle
            // between messages, or silent in a transaction for Smtp:StalledTransactionTime, may be.
            var stalled = (long)o.StalledTransactionTime.TotalMilliseconds;
            var limiter = new SessionLimiter("inbound", o.MaxConcurrentSessions, o.MaxSessionsPerAddress,
                s => !s.InTransaction || s.IdleMilliseconds >= stalled, hostname, postmasterDomain, metrics, logger);
            var services = Services(limiter, Started);
            services.Add(inboundFilter);
            services.Add(inboundStore);
            // The MX takes no logins: AUTH (offered after STARTTLS by the library) always fails here.
            services.Add(new DelegatingUserAuthenticator((_, _) => false));
            Run(new SmtpServer.SmtpServer(builder.Build(), services), "inbound");
        }
        if (o.SubmissionTlsPort > 0 || o.SubmissionPort > 0)
        {
            var builder = Options(hostname);
            if (o.SubmissionTlsPort > 0)
                builder.Endpoint(e => Endpoint(e, address, o.SubmissionTlsPort).IsSecure(true).AuthenticationRequired());
            if (o.SubmissionPort > 0)
                builder.Endpoint(e => Endpoint(e, address, o.SubmissionPort).AuthenticationRequired());
            // Shedding only sessions that have not logged in: a user's session is never closed for a stranger.
            var limiter = new SessionLimiter("submission", o.MaxConcurrentSubmissionSessions, o.MaxSubmissionSessionsPerAddress,
                s => !s.Context.Authentication.IsAuthenticated, hostname, postmasterDomain, metrics, logger);
            var services = Services(limiter, Started);
            services.Add(submissionFilter);
            services.Add(submissionStore);
            services.Add(authenticator);
            Run(new SmtpServer.SmtpServer(builder.Build(), services), "submission");
        }

        var allBound = Task.WhenAll(bound.Values.Select(b => b.Started.Task));
        var first = await Task.WhenAny(allBound, Task.WhenAny(_running), Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        if (first != allBound)
        {
            var failure = _running.FirstOrDefault(t => t.IsFaulted)?.Exception?.GetBaseException();
            throw new InvalidOperationException(
                $"SMTP listeners could not start on {string.Join(", ", bound.Where(b => !b.Value.Started.Task.IsCompleted).Select(b => $"port {b.Key}"))}: {failure?.Message ?? "timed out"}",
                failure);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAny(Task.WhenAll(_running), Task.Delay(Timeout.Infinite, cancellationToken));
        foreach (var name in new[] { "smtp", "submissions", "submission" }) registry.Closed(name);
    }

    private SmtpServerOptionsBuilder Options(string hostname) => new SmtpServerOptionsBuilder()
        .ServerName(hostname)
        .CustomSmtpGreeting(_ => $"220 {hostname} ESMTP Open Mailserver")
        // Strict also bounds how much a client can make us buffer for one line or one message.
        .MaxMessageSize((int)Math.Min(int.MaxValue, limits.Value.MaxMessageBytes), MaxMessageSizeHandling.Strict)
        .MaxRetryCount(10)
        .MaxAuthenticationAttempts(3)
        .CommandWaitTimeout(smtp.Value.CommandTimeout);

    private EndpointDefinitionBuilder Endpoint(EndpointDefinitionBuilder endpoint, IPAddress address, int port) => endpoint
        .Endpoint(new IPEndPoint(address, port))
        .Certificate(new CertificateSource(certificates))
        .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
        .SessionTimeout(SessionTimeout)
        .AllowUnsecureAuthentication(false);

    private SmtpServer.ComponentModel.ServiceProvider Services(SessionLimiter limiter, Action<IEndpointDefinition, EndPoint> started)
    {
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(limiter.Factory(started));
        services.Add(new OpenMailserverCommandFactory());
        return services;
    }

    private void Run(SmtpServer.SmtpServer server, string role)
    {
        server.SessionCreated += (_, e) =>
        {
            e.Context.CommandExecuting += (_, command) =>
            {
                if (command.Command is EhloCommand ehlo) command.Context.SetHelo(ehlo.DomainOrAddress);
                else if (command.Command is HeloCommand helo) command.Context.SetHelo(helo.DomainOrAddress);
                else if (command.Command is DataCommand && command.Context.Pipe is SessionPipe data) data.ReadingCommands = false;
            };
            // DATA catches its own errors, so this follows every DATA that started reading.
            e.Context.CommandExecuted += (_, command) =>
            {
                if (command.Context.Pipe is not SessionPipe session) return;
                if (command.Command is DataCommand) session.ReadingCommands = true;
                if (command.Command is DataCommand or RsetCommand) session.InTransaction = false;
            };
        };
        server.SessionFaulted += (_, e) =>
        {
            if (e.Exception is SessionLimitReachedException) logger.LogWarning("{Refusal}", e.Exception.Message);
            else logger.LogInformation("SMTP {Role} session from {Remote} ended abnormally: {Error}", role, e.Context.RemoteAddress(), e.Exception.GetBaseException().Message);
        };
        _running.Add(Task.Run(() => server.StartAsync(_stopping.Token)));
    }

    /// <summary>Asked on every TLS handshake, so a renewed certificate is served without a restart.</summary>
    private sealed class CertificateSource(TlsCertificateProvider certificates) : ICertificateFactory
    {
        public X509Certificate GetServerCertificate(ISessionContext sessionContext) => certificates.Current;
    }
}
