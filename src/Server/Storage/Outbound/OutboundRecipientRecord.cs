namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>outbound_recipients</c>: one envelope recipient of an outbound message and where its
/// delivery stands. Remote rows are the queue the delivery worker leases from.</summary>
public sealed record OutboundRecipientRecord(long Id, long OutboundId, string Address, long Local, string State, long Attempts,
    long? NextAttemptAt, string LastError, long UpdatedAt)
{
    public string Domain => Address[(Address.LastIndexOf('@') + 1)..].ToLowerInvariant();

    public bool IsLocal => Local != 0;
}
