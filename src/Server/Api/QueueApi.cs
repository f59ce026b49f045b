using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Delivery.Outbound;
using OpenMailserver.Server.Kernel;
using OpenMailserver.Server.Storage;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class QueueApi(IOutboundRepository outbound, OutboundQueue queue) : V1.Queue.QueueBase
{
    private static readonly string[] Pending = [OutboundState.Queued, OutboundState.Sending, OutboundState.Deferred];

    [RequiresScope(Scopes.DebugRead)]
    public override async Task<ListQueueResponse> ListQueue(ListQueueRequest request, ServerCallContext context)
    {
        if (request.Limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        var state = string.IsNullOrEmpty(request.State) ? null : request.State.ToLowerInvariant();
        if (state is not null && state != "all" && !OutboundState.All.Contains(state))
            throw new MailServerException(ErrorKind.InvalidArgument, $"state must be one of {string.Join(", ", OutboundState.All)} or all.");
        string[]? states = state switch { null => Pending, "all" => null, _ => [state] };
        var caller = context.Caller();
        var records = await outbound.ListAsync(caller.IsAdmin ? null : caller.MailboxId, states, Math.Min(request.Limit == 0 ? 100 : request.Limit, 1000));
        var recipients = (await outbound.ListRecipientsAsync(records.Select(r => r.Id).ToList())).ToLookup(r => r.OutboundId);
        return new ListQueueResponse { Entries = { records.Select(r => r.ToQueueEntry(recipients[r.Id])) } };
    }

    [RequiresScope(Scopes.Admin)]
    public override async Task<QueueEntry> RetryQueueEntry(QueueEntryRequest request, ServerCallContext context) =>
        await EntryAsync(await queue.RetryNowAsync(request.Id, context.Caller()));

    [RequiresScope(Scopes.Admin)]
    public override async Task<QueueEntry> CancelQueueEntry(QueueEntryRequest request, ServerCallContext context) =>
        await EntryAsync(await queue.CancelAsync(request.Id, context.Caller()));

    private async Task<QueueEntry> EntryAsync(OutboundRecord record) => record.ToQueueEntry(await outbound.ListRecipientsAsync([record.Id]));
}
