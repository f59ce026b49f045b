using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using OpenMailserver.Server.Dns;
using OpenMailserver.Server.Hosting;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>One SMTP transaction to a destination: tries the route's hosts (and each host's addresses) in
/// order until one holds a session, then reports each recipient's fate from its RCPT reply and the DATA
/// reply. Every step goes to the journal. Hosts that cannot be reached, or whose session breaks before the
/// message is accepted, pass the turn to the next; when none is left the recipients are deferred.</summary>
public sealed partial class SmtpTransfer(DnsResolver dns, DeliveryJournal journal, IOptions<OpenMailserverOptions> options, ILogger<SmtpTransfer> logger)
{
    /// <summary>Addresses tried per host: enough for dual-stack hosts without walking a long round-robin.</summary>
    private const int MaxAddressesPerHost = 2;

    public async Task<IReadOnlyDictionary<string, RecipientResult>> SendAsync(long outboundId, DeliveryRoute route, MimeMessage message,
        string sender, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var lastError = "no mail host was tried";
        foreach (var host in route.Hosts)
        {
            IReadOnlyList<IPAddress> addresses;
            try
            {
                addresses = host.SystemResolver
                    ? await System.Net.Dns.GetHostAddressesAsync(host.Name, cancellationToken)
                    : await dns.LookupAddressesAsync(host.Name, cancellationToken);
            }
            catch (Exception e) when (e is SocketException or DnsLookupException)
            {
                addresses = [];
                lastError = $"{host.Name}: address lookup failed: {e.Message}";
            }
            if (addresses.Count == 0)
            {
                if (!lastError.StartsWith(host.Name, StringComparison.Ordinal)) lastError = $"{host.Name}: the host has no address";
                await journal.RecordAsync(outboundId, "", DeliveryEventType.HostFailed, new { host = host.Name, port = host.Port, error = lastError });
                continue;
            }

            foreach (var address in addresses.Take(MaxAddressesPerHost))
            {
                var outcome = await TrySessionAsync(outboundId, route, host, address, message, sender, recipients, cancellationToken);
                if (outcome.Results is not null) return outcome.Results;
                lastError = outcome.Error!;
            }
        }
        var deferred = new RecipientResult(RecipientOutcome.Deferred, lastError, "4.4.1", null);
        return recipients.ToDictionary(r => r, _ => deferred, StringComparer.OrdinalIgnoreCase);
    }

    private async Task<(IReadOnlyDictionary<string, RecipientResult>? Results, string? Error)> TrySessionAsync(long outboundId, DeliveryRoute route,
        RouteHost host, IPAddress address, MimeMessage message, string sender, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var endpoint = $"{host.Name}[{address}]:{host.Port}";
        await journal.RecordAsync(outboundId, "", DeliveryEventType.Connecting,
            new { host = host.Name, address = address.ToString(), port = host.Port, preference = host.Preference });

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connectTimeout.CancelAfter(o.Delivery.ConnectTimeout);
                await socket.ConnectAsync(address, host.Port, connectTimeout.Token);
            }
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            var error = e is OperationCanceledException ? $"{endpoint}: connection timed out" : $"{endpoint}: {e.Message}";
            await journal.RecordAsync(outboundId, "", DeliveryEventType.HostFailed, new { host = host.Name, address = address.ToString(), port = host.Port, error });
            return (null, error);
        }

        var certificateVerified = false;
        using var client = new RemoteSmtpClient
        {
            LocalDomain = o.Hostname,
            Timeout = (int)Math.Min(int.MaxValue, o.Delivery.CommandTimeout.TotalMilliseconds),
            CheckCertificateRevocation = route.VerifyCertificate,
            ServerCertificateValidationCallback = (_, _, _, errors) =>
            {
                certificateVerified = errors == SslPolicyErrors.None;
                return certificateVerified || !route.VerifyCertificate;
            },
        };
        var accepted = false;
        try
        {
            var tls = route.ImplicitTls ? SecureSocketOptions.SslOnConnect : route.RequireTls ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable;
            await client.ConnectAsync(socket, host.Name, host.Port, tls, cancellationToken);
            await journal.RecordAsync(outboundId, "", DeliveryEventType.Connected, new
            {
                host = host.Name,
                address = address.ToString(),
                port = host.Port,
                tls = client.IsEncrypted,
                tls_protocol = client.IsEncrypted ? client.SslProtocol.ToString() : null,
                tls_cipher = client.IsEncrypted ? client.SslCipherSuite?.ToString() : null,
                certificate_verified = client.IsEncrypted && certificateVerified,
            });
            if (route.Credentials is { } credentials) await client.AuthenticateAsync(credentials, cancellationToken);

            var envelope = recipients.Select(r => new MailboxAddress("", r)).ToList();
            string dataReply;
            try
            {
                dataReply = await client.SendAsync(FormatOptions.Default, message, new MailboxAddress("", sender), envelope, cancellationToken);
            }
            catch (NoRecipientsAcceptedException)
            {
                await RecordRecipientRepliesAsync(outboundId, client, recipients);
                return (Judge(client, recipients, host.Name, data: null), null);
            }
            accepted = true;
            await RecordRecipientRepliesAsync(outboundId, client, recipients);
            var queueId = QueuedAs().Match(dataReply);
            await journal.RecordAsync(outboundId, "", DeliveryEventType.Data,
                new { host = host.Name, reply = $"250 {dataReply}", remote_queue_id = queueId.Success ? queueId.Groups[1].Value : null });
            await client.DisconnectAsync(quit: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            return (Judge(client, recipients, host.Name, data: (250, dataReply)), null);
        }
        catch (SmtpCommandException e) when (e.ErrorCode is SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            // A refused sender or message is an answer about this message, not a broken host: do not try the next one.
            await RecordRecipientRepliesAsync(outboundId, client, recipients);
            var code = (int)e.StatusCode;
            var step = e.ErrorCode == SmtpErrorCode.SenderNotAccepted ? DeliveryEventType.MailFrom : DeliveryEventType.Data;
            await journal.RecordAsync(outboundId, "", step, new { host = host.Name, reply = $"{code} {e.Message}" });
            return (Judge(client, recipients, host.Name, data: (code, e.Message)), null);
        }
        catch (Exception e) when (!accepted && !cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            var error = $"{endpoint}: {Describe(e)}";
            logger.LogInformation("Delivery of outbound {OutboundId} via {Endpoint} failed: {Error}", outboundId, endpoint, Describe(e));
            await journal.RecordAsync(outboundId, "", DeliveryEventType.HostFailed, new { host = host.Name, address = address.ToString(), port = host.Port, error });
            return (null, error);
        }
        catch (Exception e) when (accepted && e is not OperationCanceledException)
        {
            return (Judge(client, recipients, host.Name, data: (250, "accepted")), null); // only the QUIT failed
        }
    }

    private async Task RecordRecipientRepliesAsync(long outboundId, RemoteSmtpClient client, IReadOnlyList<string> recipients)
    {
        foreach (var recipient in recipients)
            if (client.RecipientReplies.TryGetValue(recipient, out var reply))
                await journal.RecordAsync(outboundId, recipient, DeliveryEventType.Rcpt, new { reply = $"{(int)reply.StatusCode} {reply.Response}" });
    }

    /// <summary>A recipient is delivered only if its RCPT and the DATA were both accepted; otherwise the
    /// first refusal decides (5xx fails it, 4xx defers it).</summary>
    private static Dictionary<string, RecipientResult> Judge(RemoteSmtpClient client, IReadOnlyList<string> recipients, string host, (int Code, string Text)? data)
    {
        var results = new Dictionary<string, RecipientResult>(StringComparer.OrdinalIgnoreCase);
        foreach (var recipient in recipients)
        {
            if (client.RecipientReplies.TryGetValue(recipient, out var rcpt) && (int)rcpt.StatusCode >= 300)
                results[recipient] = RecipientResult.FromReply((int)rcpt.StatusCode, rcpt.Response, host);
            else if (data is { } reply)
                results[recipient] = RecipientResult.FromReply(reply.Code, reply.Text, host);
            else
                results[recipient] = new RecipientResult(RecipientOutcome.Deferred, "the session ended before this recipient was answered", "4.4.2", host);
        }
        return results;
    }

    private static string Describe(Exception e) => e switch
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
