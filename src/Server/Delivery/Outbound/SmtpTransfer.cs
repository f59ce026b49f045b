using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Dns;
using OpenMailserver.Server.Net;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>One SMTP transaction to a destination: tries the route's hosts (and each host's addresses) in
/// order until one holds a session, then reports each recipient's fate from its RCPT reply and the DATA
/// reply. Every step goes to the journal. Hosts that cannot be reached, or whose session breaks before the
/// message is accepted, pass the turn to the next; when none is left the recipients are deferred.</summary>
public sealed partial class SmtpTransfer(DnsResolver dns, SmtpSessionPool sessions, IOptions<DeliveryOptions> delivery, IOptions<ServerOptions> server, TimeProvider time,
    ILogger<SmtpTransfer> logger)
{
    /// <summary>Addresses tried per host: enough for dual-stack hosts without walking a long round-robin.</summary>
    private const int MaxAddressesPerHost = 2;

    public async Task<IReadOnlyDictionary<string, RecipientResult>> SendAsync(AttemptLog log, DeliveryRoute route, MimeMessage message,
        string sender, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var o = delivery.Value;
        // Names from DNS are the recipient domain's say; an override or the relay is the operator's.
        var publicOnly = !o.AllowPrivateDestinations && route.Kind is "mx" or "address";
        var lastError = "no mail host was tried";
        var tries = 0;
        var refused = new List<string>();
        var otherwiseFailed = false;
        foreach (var host in route.Hosts)
        {
            if (tries >= o.MaxHostsPerAttempt) break;
            IReadOnlyList<IPAddress> addresses;
            string? lookupError = null;
            try
            {
                addresses = host.SystemResolver
                    ? await System.Net.Dns.GetHostAddressesAsync(host.Name, cancellationToken)
                    : await dns.LookupAddressesAsync(host.Name, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or DnsLookupException)
            {
                addresses = [];
                lookupError = $"{host.Name}: address lookup failed: {e.Message}";
            }
            if (addresses.Count == 0)
            {
                tries++;
                otherwiseFailed = true;
                lastError = lookupError ?? $"{host.Name}: the host has no address";
                log.Record("", DeliveryEventType.HostFailed, new { host = host.Name, port = host.Port, error = lastError });
                continue;
            }

            foreach (var address in addresses.Take(MaxAddressesPerHost))
            {
                if (tries++ >= o.MaxHostsPerAttempt) break;
                if (publicOnly && PrivateAddresses.IsPrivate(address))
                {
                    refused.Add($"{host.Name}[{address}]");
                    lastError = $"{host.Name}[{address}]:{host.Port}: refused: {address} is a private address, and mail is not delivered inside our network";
                    log.Record("", DeliveryEventType.HostFailed, new { host = host.Name, address = address.ToString(), port = host.Port, error = lastError });
                    continue;
                }
                otherwiseFailed = true;
                if (await TryIdleSessionAsync(log, route, host, address, message, sender, recipients, cancellationToken) is { } kept)
                {
                    if (kept.Results is not null) return kept.Results;
                    lastError = kept.Error!;
                    continue;
                }
                var outcome = await TrySessionAsync(log, route, host, address, message, sender, recipients, plain: false, cancellationToken);
                // Opportunistic TLS that fails its handshake falls back to clear text, as Postfix's "may" level does.
                if (outcome.TlsFailed && !route.RequireTls)
                    outcome = await TrySessionAsync(log, route, host, address, message, sender, recipients, plain: true, cancellationToken);
                if (outcome.Results is not null) return outcome.Results;
                lastError = outcome.Error!;
            }
        }
        // Every host the domain names is inside some network, ours perhaps: DNS said so completely, and asking
        // again for days would only bring the same answer later. An operator with split-horizon DNS allows it.
        var result = refused.Count > 0 && !otherwiseFailed
            ? new RecipientResult(RecipientOutcome.Failed,
                $"refused: every mail host of the domain is at a private address ({string.Join(", ", refused)}), and mail is not delivered inside our network",
                "5.4.4", null)
            : new RecipientResult(RecipientOutcome.Deferred, lastError, "4.4.1", null);
        return recipients.ToDictionary(r => r, _ => result, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Either the recipients' results, or why this host could not take the message.</summary>
    /// <remarks><see cref="Stale"/>: a kept session that broke before the message went out, which says nothing
    /// about the host.</remarks>
    private sealed record SessionOutcome(IReadOnlyDictionary<string, RecipientResult>? Results, string? Error, bool TlsFailed = false, bool Stale = false);

    private static SmtpSessionPool.Key KeyFor(DeliveryRoute route, RouteHost host, IPAddress address, bool plain) =>
        new(host.Name, address.ToString(), host.Port, plain, route.ImplicitTls, route.RequireTls, route.VerifyCertificate, route.Credentials?.UserName);

    /// <summary>The message over a session left open by an earlier delivery, if one is waiting. A session the
    /// other side has closed meanwhile (or closes with 421) says nothing about the host: null, and a new one
    /// is opened. One that breaks once the message went out is the host's failure, as on a new session.</summary>
    private async Task<SessionOutcome?> TryIdleSessionAsync(AttemptLog log, DeliveryRoute route, RouteHost host,
        IPAddress address, MimeMessage message, string sender, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        foreach (var plain in route.RequireTls ? [false] : new[] { false, true })
        {
            var key = KeyFor(route, host, address, plain);
            if (sessions.Take(key) is not { } session) continue;
            log.Record("", DeliveryEventType.Connected, new Dictionary<string, object?>(session.ConnectedFacts) { ["reused"] = true, ["messages_before"] = session.Messages });
            var outcome = await TransactAsync(log, host, address, session, key, message, sender, recipients, reused: true, cancellationToken);
            if (outcome.Stale) continue;
            var closing = outcome.Results is { } r && r.Values.All(x => x.Outcome != RecipientOutcome.Delivered) && r.Values.Any(x => x.Reply.StartsWith("421", StringComparison.Ordinal));
            if (!closing) return outcome;
        }
        return null;
    }

    private async Task<SessionOutcome> TrySessionAsync(AttemptLog log, DeliveryRoute route, RouteHost host, IPAddress address, MimeMessage message,
        string sender, IReadOnlyList<string> recipients, bool plain, CancellationToken cancellationToken)
    {
        var o = delivery.Value;
        var endpoint = $"{host.Name}[{address}]:{host.Port}";
        log.Record("", DeliveryEventType.Connecting,
            new { host = host.Name, address = address.ToString(), port = host.Port, preference = host.Preference, tls = !plain });

        // Owned by the client once it is connected (the session may outlive this call, kept in the pool);
        // until then disposed here. Disposing it twice is harmless.
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(o.ConnectTimeout);
            await socket.ConnectAsync(address, host.Port, connectTimeout.Token);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            return HostFailed(log, host, address, e is OperationCanceledException ? $"{endpoint}: connection timed out" : $"{endpoint}: {e.Message}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var certificateVerified = false;
        Dictionary<string, object?> facts;
        var client = new RemoteSmtpClient(new SessionGuard(o, time))
        {
            LocalDomain = server.Value.Hostname,
            Timeout = (int)Math.Min(int.MaxValue, o.CommandTimeout.TotalMilliseconds),
            CheckCertificateRevocation = route.VerifyCertificate,
            ServerCertificateValidationCallback = (_, _, _, errors) =>
            {
                certificateVerified = errors == SslPolicyErrors.None;
                return certificateVerified || !route.VerifyCertificate;
            },
        };
        try
        {
            var tls = plain ? SecureSocketOptions.None
                : route.ImplicitTls ? SecureSocketOptions.SslOnConnect
                : route.RequireTls ? SecureSocketOptions.StartTls
                : SecureSocketOptions.StartTlsWhenAvailable;
            using var watch = client.Guard.Watch(cancellationToken);
            await client.ConnectAsync(socket, host.Name, host.Port, tls, watch.Token);
            facts = new Dictionary<string, object?>
            {
                ["host"] = host.Name,
                ["address"] = address.ToString(),
                ["port"] = host.Port,
                ["tls"] = client.IsEncrypted,
                ["tls_protocol"] = client.IsEncrypted ? client.SslProtocol.ToString() : null,
                ["tls_cipher"] = client.IsEncrypted ? client.SslCipherSuite?.ToString() : null,
                ["certificate_verified"] = client.IsEncrypted && certificateVerified,
            };
            log.Record("", DeliveryEventType.Connected, facts);
            if (route.Credentials is { } credentials) await client.AuthenticateAsync(credentials, watch.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            client.Dispose();
            socket.Dispose();
            logger.LogInformation("Session for outbound {OutboundId} with {Endpoint} failed: {Error}", log.OutboundId, endpoint, Describe(e, client.Guard));
            return HostFailed(log, host, address, $"{endpoint}: {Describe(e, client.Guard)}") with { TlsFailed = e is SslHandshakeException };
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }

        var session = new SmtpSessionPool.Session(client, facts, time.GetUtcNow());
        return await TransactAsync(log, host, address, session, KeyFor(route, host, address, plain), message, sender, recipients, reused: false, cancellationToken);
    }

    /// <summary>One message over an open session. The session goes back to the pool after a delivered
    /// message and is closed after anything else.</summary>
    private async Task<SessionOutcome> TransactAsync(AttemptLog log, RouteHost host, IPAddress address, SmtpSessionPool.Session session,
        SmtpSessionPool.Key key, MimeMessage message, string sender, IReadOnlyList<string> recipients, bool reused, CancellationToken cancellationToken)
    {
        var client = session.Client;
        var endpoint = $"{host.Name}[{address}]:{host.Port}";
        // From here on a reply is an answer about this message, not about the host.
        string dataReply;
        try
        {
            var envelope = recipients.Select(r => new MailboxAddress("", r)).ToList();
            using var watch = client.Guard.Watch(cancellationToken);
            dataReply = await client.SendAsync(FormatOptions.Default, message, new MailboxAddress("", sender), envelope, watch.Token);
        }
        catch (NoRecipientsAcceptedException)
        {
            RecordRecipientReplies(log, client, recipients);
            SmtpSessionPool.Close(client);
            return new SessionOutcome(Judge(client, recipients, host.Name, data: null), null);
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.SenderNotAccepted)
        {
            // With PIPELINING the RCPTs were answered too (with "need MAIL first"); the MAIL reply is what counts.
            var reply = RecipientResult.FromReply((int)e.StatusCode, Clip(e.Message), host.Name);
            log.Record("", DeliveryEventType.MailFrom, new { host = host.Name, reply = reply.Reply });
            SmtpSessionPool.Close(client);
            return new SessionOutcome(recipients.ToDictionary(r => r, _ => reply, StringComparer.OrdinalIgnoreCase), null);
        }
        catch (SmtpCommandException e)
        {
            // DATA, or the message after it, was refused.
            RecordRecipientReplies(log, client, recipients);
            var code = (int)e.StatusCode;
            log.Record("", DeliveryEventType.Data, new { host = host.Name, reply = Clip($"{code} {e.Message}") });
            SmtpSessionPool.Close(client);
            return new SessionOutcome(Judge(client, recipients, host.Name, data: (code, e.Message)), null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            client.Dispose();
            // A kept session the other side closed meanwhile is not the host's fault; the caller opens a new one.
            // Once the message went out, though, the other side may have taken it: sending it again at once on
            // a new session would likely deliver it twice, so this is a failure of the host like any other.
            if (reused && !client.Guard.MessageOffered) return new SessionOutcome(null, Clip($"{endpoint}: {Describe(e, client.Guard)}"), Stale: true);
            // The session broke before the message was accepted: the next host may do better.
            return HostFailed(log, host, address, $"{endpoint}: {Describe(e, client.Guard)}");
        }
        catch
        {
            client.Dispose();
            throw;
        }

        RecordRecipientReplies(log, client, recipients);
        var queueId = QueuedAs().Match(dataReply);
        log.Record("", DeliveryEventType.Data,
            new { host = host.Name, reply = Clip($"250 {dataReply}"), remote_queue_id = queueId.Success ? queueId.Groups[1].Value : null });
        var results = Judge(client, recipients, host.Name, data: (250, dataReply));
        sessions.Return(key, session);
        return new SessionOutcome(results, null);
    }

    private SessionOutcome HostFailed(AttemptLog log, RouteHost host, IPAddress address, string error)
    {
        error = Clip(error);
        log.Record("", DeliveryEventType.HostFailed, new { host = host.Name, address = address.ToString(), port = host.Port, error });
        return new SessionOutcome(null, error);
    }

    private void RecordRecipientReplies(AttemptLog log, RemoteSmtpClient client, IReadOnlyList<string> recipients)
    {
        foreach (var recipient in recipients)
            if (client.RecipientReplies.TryGetValue(recipient, out var reply))
                log.Record(recipient, DeliveryEventType.Rcpt, new { reply = $"{reply.Code} {reply.Text}" });
    }

    /// <summary>A recipient is delivered only if its RCPT and the DATA were both accepted; otherwise the
    /// first refusal decides (5xx fails it, 4xx defers it).</summary>
    private Dictionary<string, RecipientResult> Judge(RemoteSmtpClient client, IReadOnlyList<string> recipients, string host, (int Code, string Text)? data)
    {
        var results = new Dictionary<string, RecipientResult>(StringComparer.OrdinalIgnoreCase);
        foreach (var recipient in recipients)
        {
            if (client.RecipientReplies.TryGetValue(recipient, out var rcpt) && rcpt.Code >= 300)
                results[recipient] = RecipientResult.FromReply(rcpt.Code, rcpt.Text, host);
            else if (data is { } reply)
                results[recipient] = RecipientResult.FromReply(reply.Code, Clip(reply.Text), host);
            else
                results[recipient] = new RecipientResult(RecipientOutcome.Deferred, "the session ended before this recipient was answered", "4.4.2", host);
        }
        return results;
    }

    private string Clip(string text) => StoredReply.Clip(text, delivery.Value.MaxStoredReplyLength);

    /// <summary>Why a session failed: the bound the remote server crossed, if it crossed one (the exception is
    /// then only its consequence, a cancelled or failed read).</summary>
    private static string Describe(Exception e, SessionGuard guard) => guard.Violation ?? e switch
    {
        SmtpCommandException command => $"{(int)command.StatusCode} {command.Message}",
        NotSupportedException when e.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase) => "the server does not offer STARTTLS, which this route requires",
        AuthenticationException => $"authentication failed: {e.Message}",
        SslHandshakeException => $"TLS handshake failed: {e.Message}",
        _ => e.Message,
    };

    [GeneratedRegex(@"queued as ([A-Za-z0-9._\-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex QueuedAs();
}
