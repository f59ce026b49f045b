using Grpc.Core;
using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

public sealed class QueueApi(IOutboundRepository outbound) : V1.Queue.QueueBase
{
    [RequiresScope(Scopes.DebugRead)]
    public override async Task<ListQueueResponse> ListQueue(ListQueueRequest request, ServerCallContext context)
    {
        if (request.Limit < 0) throw new MailServerException(ErrorKind.InvalidArgument, "limit must not be negative.");
        var state = string.IsNullOrEmpty(request.State) ? null : request.State.ToLowerInvariant();
        if (state is not null && !OutboundState.All.Contains(state))
            throw new MailServerException(ErrorKind.InvalidArgument, $"state must be one of {string.Join(", ", OutboundState.All)}.");
        var caller = context.Caller();
        var records = await outbound.ListAsync(caller.IsAdmin ? null : caller.MailboxId, state, Math.Min(request.Limit == 0 ? 100 : request.Limit, 1000));
        return new ListQueueResponse { Entries = { records.Select(r => r.ToQueueEntry()) } };
    }
}
