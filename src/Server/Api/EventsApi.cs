using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Views;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class EventsApi(MailboxAccess access, IMailboxEventRepository events, MailboxEventFeed feed, MailboxChanges changes,
    CredentialRevocations revocations) : V1.Events.EventsBase
{
    private const int BatchSize = 500;

    /// <summary>Not a stored event: the first line of a watch started without a cursor, carrying the cursor it starts from.</summary>
    public const string WatchStarted = "watch.started";

    /// <summary>A backstop for a change whose notification was lost: the log is read again at least this often.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    [RequiresScope(Scopes.MailRead)]
    public override async Task WatchMailbox(WatchMailboxRequest request, IServerStreamWriter<MailboxEvent> responseStream, ServerCallContext context)
    {
        var mailbox = await access.RequireAsync(context.Caller(), request.Address);
        var unknown = request.EventTypes.FirstOrDefault(t => !MailboxEventType.All.Contains(t));
        if (unknown is not null)
            throw new MailServerException(ErrorKind.InvalidArgument, $"event_types: '{EmailAddress.Shorten(unknown)}' is not one of {string.Join(", ", MailboxEventType.All.Order())}.");
        if (request.HasAfterCursor && request.AfterCursor < 0) throw new MailServerException(ErrorKind.InvalidArgument, "after must not be negative.");

        // The stream lives only as long as the key's rights: a revocation or a disabled mailbox ends it.
        using var rights = revocations.Link(context.Caller(), context.CancellationToken);
        var cancellation = rights.Token;
        // Subscribed before the first read, so a change committed in between still wakes the loop.
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var subscription = changes.Subscribe(mailbox.Id, () => wake.Writer.TryWrite(true));
        var cursor = request.HasAfterCursor ? request.AfterCursor : await events.LatestIdAsync(mailbox.Id);
        var types = request.EventTypes.ToList();
        try
        {
            // Without a cursor the watch starts now; saying where "now" is lets the caller resume from it.
            if (!request.HasAfterCursor)
                await responseStream.WriteAsync(new MailboxEvent
                {
                    EventId = cursor, EventType = WatchStarted, Mailbox = mailbox.Address, CreatedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                    Details = new Struct(),
                }, cancellation);
            while (!cancellation.IsCancellationRequested)
            {
                var batch = await feed.AfterAsync(mailbox.Id, cursor, types, BatchSize);
                foreach (var record in batch)
                {
                    await responseStream.WriteAsync(ToProto(record, mailbox.Address), cancellation);
                    cursor = record.Id;
                }
                if (batch.Count == BatchSize) continue;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                timeout.CancelAfter(Recheck);
                try { await wake.Reader.ReadAsync(timeout.Token); }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested) { }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The watcher went away, or lost the right to watch: then it is told why.
        }
        if (!context.CancellationToken.IsCancellationRequested)
            throw new MailServerException(ErrorKind.Unauthenticated, "The API key was revoked or its mailbox disabled; the watch has ended.");
    }

    public static MailboxEvent ToProto(MailboxEventRecord e, string mailbox) => new()
    {
        EventId = e.Id, EventType = e.EventType, Mailbox = mailbox, CreatedAt = ProtoTime.From(e.CreatedAt), MessageId = e.MessageId,
        OutboundId = e.OutboundId ?? 0, Details = Struct.Parser.WithDiscardUnknownFields(true).ParseJson(e.Details),
    };
}
