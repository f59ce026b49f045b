using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Net;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Webhooks;

/// <summary>Turns recorded events into signed POSTs: queues a delivery per new event for each webhook that
/// wants it, sends the due ones, and retries failures with doubling delays (from <c>Webhooks:RetryDelay</c>,
/// at most an hour apart) until <c>Webhooks:GiveUpAfter</c>. A 2xx answer is success; anything else, or no
/// answer, is retried. At least once: a crash after the target answered but before the result is recorded
/// sends that event again, with the same event_id for the receiver to skip it.</summary>
public sealed class WebhookDispatcher(IServiceProvider services, IWebhookRepository webhooks, MailboxChanges changes,
    IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string SignatureHeader = "X-OpenMailserver-Signature";
    public const string TimestampHeader = "X-OpenMailserver-Timestamp";
    public const string EventIdHeader = "X-OpenMailserver-Event-Id";
    public const string EventTypeHeader = "X-OpenMailserver-Event-Type";
    private const int BatchSize = 100;
    private const int MaxConcurrent = 8;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = changes.SubscribeAll(_ => Wake());
        using var http = CreateClient();
        var secrets = services.GetRequiredService<WebhookSecrets>();
        var mailboxes = services.GetRequiredService<IMailboxRepository>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                foreach (var webhook in await webhooks.ListAsync(null))
                    while (await webhooks.QueueNewEventsAsync(webhook, now, BatchSize) > 0) { }
                var due = await webhooks.ListDueAsync(now, BatchSize);
                var names = new Dictionary<long, string>();
                foreach (var id in due.Select(d => d.Event.MailboxId).Distinct())
                    names[id] = (await mailboxes.FindByIdAsync(id))?.Address ?? "";
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrent, CancellationToken = stoppingToken },
                    async (item, ct) => await DeliverAsync(http, secrets, mailboxes, item.Delivery, item.Event, names[item.Event.MailboxId], ct));
                if (due.Count == BatchSize) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Webhook dispatch round failed; trying again shortly");
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(Tick);
            try { await _wake.Reader.ReadAsync(timeout.Token); }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested) { }
            catch (OperationCanceledException) { break; }
        }
    }

    private async Task DeliverAsync(HttpClient http, WebhookSecrets secrets, IMailboxRepository mailboxes, WebhookDeliveryRecord delivery,
        MailboxEventRecord e, string mailbox, CancellationToken cancellationToken)
    {
        // Read again just before sending: a webhook retired by its key's revocation, or one of a mailbox
        // disabled since the round began, sends nothing more.
        var webhook = await webhooks.FindAsync(delivery.WebhookId);
        if (webhook is null || webhook.DeletedAt is not null) return;
        if (webhook.MailboxId is { } owner && await mailboxes.FindByIdAsync(owner) is not { IsActive: true })
        {
            await webhooks.SettleAsync(delivery.Id, WebhookDeliveryState.Failed, 0, "the mailbox is disabled", null, null);
            return;
        }
        var body = WebhookPayload.For(e, mailbox);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(SignatureHeader, WebhookSecrets.Sign(secrets.SecretFor(webhook.SecretNonce), timestamp, body));
        request.Headers.Add(TimestampHeader, timestamp.ToString());
        request.Headers.Add(EventIdHeader, e.Id.ToString());
        request.Headers.Add(EventTypeHeader, e.EventType);
        int status = 0;
        string error;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? "" : $"HTTP {status} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or MailServerException && !cancellationToken.IsCancellationRequested)
        {
            error = ex.GetBaseException().Message;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (error.Length == 0)
        {
            await webhooks.SettleAsync(delivery.Id, WebhookDeliveryState.Delivered, status, "", null, now);
            return;
        }
        var o = options.Value;
        var delay = TimeSpan.FromTicks(Math.Min(o.RetryDelay.Ticks * (1L << (int)Math.Min(delivery.Attempts, 30)), MaxDelay.Ticks));
        var giveUp = delivery.CreatedAt + (long)o.GiveUpAfter.TotalMilliseconds;
        if (now + (long)delay.TotalMilliseconds > giveUp)
        {
            await webhooks.SettleAsync(delivery.Id, WebhookDeliveryState.Failed, status, error, null, null);
            logger.LogWarning("Webhook {Id} gave up on event {EventId} after {Attempts} attempts: {Error}", webhook.Id, e.Id, delivery.Attempts + 1, error);
        }
        else await webhooks.SettleAsync(delivery.Id, WebhookDeliveryState.Pending, status, error, now + (long)delay.TotalMilliseconds, null);
    }

    /// <summary>A client that checks every address it connects to against the target policy, so a host that
    /// resolves to an internal address at delivery time is refused even if it was public when registered.</summary>
    private HttpClient CreateClient()
    {
        var policy = services.GetRequiredService<WebhookTargetPolicy>();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = RemoteCertificateChain.Policy() },
            ConnectCallback = async (context, ct) =>
            {
                var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                    ? [literal]
                    : await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                Exception? last = null;
                foreach (var address in addresses)
                {
                    policy.EnsureAllowed(address, context.DnsEndPoint.Host);
                    var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch (SocketException e)
                    {
                        socket.Dispose();
                        last = e;
                    }
                }
                throw last ?? new SocketException((int)SocketError.HostNotFound);
            },
        };
        return new HttpClient(handler) { Timeout = options.Value.Timeout };
    }
}
