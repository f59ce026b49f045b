using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using OpenMailserver.V1;

namespace OpenMailserver.Sdk;

/// <summary>
/// A client for one Open Mailserver, authenticated by one API key. It exposes every generated gRPC client
/// (<see cref="Mailboxes"/>, <see cref="Mail"/>, <see cref="Messages"/>…) with the key attached to each call,
/// plus a few shortcuts for the common path: provision, send, read.
/// </summary>
/// <example>
/// <code>
/// using var admin = new OpenMailserverClient("http://localhost:8788", adminKey);
/// var created = await admin.CreateMailboxAsync("agent", "example.com");
/// using var agent = new OpenMailserverClient("http://localhost:8788", created.ApiKey.Key);
/// await agent.SendAsync("agent@example.com", ["agent@example.com"], "Hello", "Hi there");
/// var inbox = await agent.ListMessagesAsync("agent@example.com");
/// </code>
/// </example>
public sealed class OpenMailserverClient : IDisposable
{
    /// <summary>The metadata key (HTTP header) that carries the API key.</summary>
    public const string ApiKeyHeader = "x-openmailserver-key";

    private readonly GrpcChannel? _ownedChannel;

    /// <summary>Connects to the server's gRPC endpoint, e.g. <c>http://localhost:8788</c> (cleartext HTTP/2)
    /// or an <c>https://</c> address.</summary>
    /// <param name="address">The gRPC endpoint of the server.</param>
    /// <param name="apiKey">An admin key or a mailbox key (<c>oms_…</c>).</param>
    public OpenMailserverClient(string address, string apiKey)
        : this(CreateChannel(address), apiKey, ownsChannel: true)
    {
    }

    /// <summary>A channel to the server that takes answers of any size: a raw message or an attachment can
    /// exceed gRPC's default 4 MB, and the server already bounds what it sends by its message size limit.</summary>
    /// <param name="address">The gRPC endpoint of the server.</param>
    public static GrpcChannel CreateChannel(string address) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = null });

    /// <summary>Uses an existing channel, for custom handlers, TLS settings or tests. The channel is not
    /// disposed with this client.</summary>
    /// <param name="channel">The channel to the server.</param>
    /// <param name="apiKey">An admin key or a mailbox key (<c>oms_…</c>).</param>
    public OpenMailserverClient(GrpcChannel channel, string apiKey)
        : this(channel, apiKey, ownsChannel: false)
    {
    }

    /// <summary>Uses any call invoker: an intercepted channel, or a fake in tests.</summary>
    /// <param name="callInvoker">Carries the calls.</param>
    /// <param name="apiKey">An admin key or a mailbox key (<c>oms_…</c>).</param>
    public OpenMailserverClient(CallInvoker callInvoker, string apiKey)
        : this(callInvoker, apiKey, ownedChannel: null)
    {
    }

    private OpenMailserverClient(GrpcChannel channel, string apiKey, bool ownsChannel)
        : this(channel?.CreateCallInvoker() ?? throw new ArgumentNullException(nameof(channel)), apiKey, ownsChannel ? channel : null)
    {
    }

    private OpenMailserverClient(CallInvoker callInvoker, string apiKey, GrpcChannel? ownedChannel)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _ownedChannel = ownedChannel;
        var invoker = callInvoker.Intercept(metadata =>
        {
            metadata.Add(ApiKeyHeader, apiKey);
            return metadata;
        });
        Mailboxes = new Mailboxes.MailboxesClient(invoker);
        Aliases = new Aliases.AliasesClient(invoker);
        Mail = new Mail.MailClient(invoker);
        Messages = new Messages.MessagesClient(invoker);
        Events = new Events.EventsClient(invoker);
        Queue = new Queue.QueueClient(invoker);
        Debug = new Debug.DebugClient(invoker);
        Operations = new Operations.OperationsClient(invoker);
        Dns = new DnsPlan.DnsPlanClient(invoker);
    }

    /// <summary>Mailboxes, passwords and mailbox API keys (admin).</summary>
    public Mailboxes.MailboxesClient Mailboxes { get; }

    /// <summary>Aliases on hosted domains (admin).</summary>
    public Aliases.AliasesClient Aliases { get; }

    /// <summary>Sending, and the record of what was sent.</summary>
    public Mail.MailClient Mail { get; }

    /// <summary>Reading, searching, organising and answering a mailbox's messages.</summary>
    public Messages.MessagesClient Messages { get; }

    /// <summary>Live mailbox events.</summary>
    public Events.EventsClient Events { get; }

    /// <summary>The outbound queue (debug:read).</summary>
    public Queue.QueueClient Queue { get; }

    /// <summary>Health, configuration, traces and logs (debug:read).</summary>
    public Debug.DebugClient Debug { get; }

    /// <summary>Backup and restore (admin).</summary>
    public Operations.OperationsClient Operations { get; }

    /// <summary>The DNS records to publish for the hosted domains (debug:read).</summary>
    public DnsPlan.DnsPlanClient Dns { get; }

    /// <summary>Creates a mailbox. The response holds its password and a mailbox-scoped API key, shown only
    /// this once.</summary>
    /// <param name="localPart">The part before the @.</param>
    /// <param name="domain">The domain; it becomes hosted if it is not yet.</param>
    /// <param name="password">The password to set, or null to have a strong one generated.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<CreateMailboxResponse> CreateMailboxAsync(string localPart, string domain, string? password = null,
        CancellationToken cancellationToken = default)
    {
        var request = new CreateMailboxRequest { LocalPart = localPart, Domain = domain };
        if (password is not null) request.Password = password;
        return await Mailboxes.CreateMailboxAsync(request, cancellationToken: cancellationToken);
    }

    /// <summary>Sends a message. Hosted recipients have it in their inbox when this returns; others are
    /// queued for delivery.</summary>
    /// <param name="sender">The sending address: the key's mailbox or one of its aliases.</param>
    /// <param name="recipients">The To addresses.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="textBody">The plain-text body.</param>
    /// <param name="htmlBody">An HTML body, sent as an alternative to the text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<OutboundMessage> SendAsync(string sender, IEnumerable<string> recipients, string subject, string? textBody = null,
        string? htmlBody = null, CancellationToken cancellationToken = default)
    {
        var request = new SendMailRequest { Sender = sender, Subject = subject, TextBody = textBody ?? "", HtmlBody = htmlBody ?? "" };
        request.Recipients.AddRange(recipients);
        return await Mail.SendMailAsync(request, cancellationToken: cancellationToken);
    }

    /// <summary>Lists a folder's messages, newest first.</summary>
    /// <param name="address">The mailbox.</param>
    /// <param name="folder">The folder; INBOX when null.</param>
    /// <param name="limit">At most this many; the server's default when 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<MessageSummary>> ListMessagesAsync(string address, string? folder = null, int limit = 0,
        CancellationToken cancellationToken = default)
    {
        var response = await Messages.ListMessagesAsync(
            new ListMessagesRequest { Address = address, Folder = folder ?? "", Limit = limit }, cancellationToken: cancellationToken);
        return response.Messages;
    }

    /// <summary>Reads one message, with its text body.</summary>
    /// <param name="address">The mailbox the message is in.</param>
    /// <param name="id">The message id from a listing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<Message> GetMessageAsync(string address, string id, CancellationToken cancellationToken = default) =>
        await Messages.GetMessageAsync(new GetMessageRequest { Address = address, Id = id }, cancellationToken: cancellationToken);

    /// <summary>Every message matching a search, newest first, fetching page after page as it is enumerated.</summary>
    /// <param name="request">The mailbox, folder and filters (text, from, to, subject, unread, since, before, thread); its
    /// limit is the page size.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    public async IAsyncEnumerable<MessageSummary> SearchAsync(ListMessagesRequest request,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = request.Clone();
        do
        {
            var response = await Messages.ListMessagesAsync(page, cancellationToken: cancellationToken);
            foreach (var message in response.Messages) yield return message;
            page.PageToken = response.NextPageToken;
        } while (page.PageToken.Length > 0);
    }

    /// <summary>Answers a message from the mailbox it is in, with In-Reply-To, References and "Re: " set.</summary>
    /// <param name="address">The mailbox the message is in; the reply is sent from it.</param>
    /// <param name="id">The message to answer.</param>
    /// <param name="textBody">What to write.</param>
    /// <param name="replyAll">Also to the other recipients of the message.</param>
    /// <param name="quote">Quote the original below the reply.</param>
    /// <param name="idempotencyKey">Makes a retried call return the first reply instead of sending another.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<OutboundMessage> ReplyAsync(string address, string id, string textBody, bool replyAll = false, bool quote = false,
        string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        await Messages.ReplyToMessageAsync(new ReplyRequest
        {
            Address = address, Id = id, TextBody = textBody, ReplyAll = replyAll, Quote = quote, IdempotencyKey = idempotencyKey ?? "",
        }, cancellationToken: cancellationToken);

    /// <summary>Forwards a message with its attachments.</summary>
    /// <param name="address">The mailbox the message is in; the forward is sent from it.</param>
    /// <param name="id">The message to forward.</param>
    /// <param name="recipients">Who gets it.</param>
    /// <param name="note">Text written above the forwarded message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<OutboundMessage> ForwardAsync(string address, string id, IEnumerable<string> recipients, string? note = null,
        CancellationToken cancellationToken = default)
    {
        var request = new ForwardRequest { Address = address, Id = id, TextBody = note ?? "" };
        request.Recipients.AddRange(recipients);
        return await Messages.ForwardMessageAsync(request, cancellationToken: cancellationToken);
    }

    /// <summary>The exact stored MIME of a message (RFC 5322 bytes).</summary>
    /// <param name="address">The mailbox the message is in.</param>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<byte[]> GetRawMessageAsync(string address, string id, CancellationToken cancellationToken = default) =>
        (await Messages.GetRawMessageAsync(new GetMessageRequest { Address = address, Id = id }, cancellationToken: cancellationToken)).Data.ToByteArray();

    /// <summary>An attachment's decoded bytes and content type.</summary>
    /// <param name="address">The mailbox the message is in.</param>
    /// <param name="id">The message id.</param>
    /// <param name="attachmentId">The id from <see cref="Message.Attachments"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<(byte[] Content, string ContentType)> GetAttachmentAsync(string address, string id, string attachmentId,
        CancellationToken cancellationToken = default)
    {
        var body = await Messages.GetAttachmentAsync(new GetAttachmentRequest { Address = address, Id = id, AttachmentId = attachmentId },
            cancellationToken: cancellationToken);
        return (body.Data.ToByteArray(), body.ContentType);
    }

    /// <summary>Conversations, the most recently active first, each with its messages.</summary>
    /// <param name="address">The mailbox.</param>
    /// <param name="limit">At most this many threads; the server's default when 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<V1.Thread>> ListThreadsAsync(string address, int limit = 0, CancellationToken cancellationToken = default) =>
        (await Messages.ListThreadsAsync(new ListThreadsRequest { Address = address, Limit = limit }, cancellationToken: cancellationToken)).Threads;

    /// <summary>A file to put in <see cref="SendMailRequest.Attachments"/>.</summary>
    /// <param name="fileName">The name the recipient sees.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="contentType">The MIME type; application/octet-stream when null.</param>
    /// <param name="contentId">Makes it an inline part an HTML body shows as <c>cid:</c>.</param>
    public static Attachment Attachment(string fileName, byte[] content, string? contentType = null, string? contentId = null) => new()
    {
        Filename = fileName, ContentType = contentType ?? "application/octet-stream",
        ContentBase64 = Google.Protobuf.ByteString.CopyFrom(content), ContentId = contentId ?? "",
    };

    /// <summary>A mailbox's events as they happen, resuming by itself after a dropped connection or a server
    /// restart from the last event it yielded, so nothing is missed or repeated. Ends only when cancelled.</summary>
    /// <param name="address">The mailbox to watch.</param>
    /// <param name="afterCursor">Start after this event id (replay); null for events from now on.</param>
    /// <param name="eventTypes">Only these types (e.g. <c>message.received</c>); all when empty.</param>
    /// <param name="cancellationToken">Stops watching.</param>
    public async IAsyncEnumerable<MailboxEvent> WatchAsync(string address, long? afterCursor = null, IEnumerable<string>? eventTypes = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new WatchMailboxRequest { Address = address };
        request.EventTypes.AddRange(eventTypes ?? []);
        if (afterCursor is { } start) request.AfterCursor = start;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            using var call = Events.WatchMailbox(request, cancellationToken: cancellationToken);
            var stream = call.ResponseStream;
            while (true)
            {
                bool more;
                try
                {
                    more = await stream.MoveNext(cancellationToken);
                }
                catch (RpcException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
                catch (RpcException e) when (IsTransient(e.StatusCode))
                {
                    break;
                }
                if (!more) break;
                delay = TimeSpan.FromMilliseconds(200);
                request.AfterCursor = stream.Current.EventId;
                // The server's first word when no cursor was given: where "from now on" begins, so a reconnect
                // before any event still resumes at the right place.
                if (stream.Current.EventType != WatchStarted) yield return stream.Current;
            }
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    /// <summary>The event a watch without a cursor starts with; its event_id is the cursor to resume from.</summary>
    public const string WatchStarted = "watch.started";

    private static bool IsTransient(StatusCode status) =>
        status is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Cancelled;

    /// <summary>Disposes the channel if this client created it.</summary>
    public void Dispose() => _ownedChannel?.Dispose();
}
