using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery;

/// <summary>The state of an outbound message follows from its recipients: in progress while any is
/// (<c>sending</c> over <c>deferred</c> over <c>queued</c>); when all are done, <c>sent</c> if any reached its
/// destination (the error then names those that did not), else <c>failed</c>.</summary>
public static class OutboundRollUp
{
    public static (string State, string Error) Of(IReadOnlyCollection<OutboundRecipientRecord> recipients)
    {
        var error = string.Join("; ", recipients
            .Where(r => r.State is OutboundState.Failed or OutboundState.Deferred && r.LastError.Length > 0)
            .Select(r => $"{r.Address}: {r.LastError}"));
        string state;
        if (recipients.Any(r => r.State == OutboundState.Sending)) state = OutboundState.Sending;
        else if (recipients.Any(r => r.State == OutboundState.Deferred)) state = OutboundState.Deferred;
        else if (recipients.Any(r => r.State == OutboundState.Queued)) state = OutboundState.Queued;
        else if (recipients.Any(r => r.State == OutboundState.Sent)) state = OutboundState.Sent;
        else state = OutboundState.Failed;
        return (state, error);
    }
}
