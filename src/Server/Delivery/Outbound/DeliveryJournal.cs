using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery.Outbound;

/// <summary>Writes delivery events as they happen during an attempt, each in its own small transaction, so
/// the trace shows how far a slow or stuck attempt got.</summary>
public sealed class DeliveryJournal(Database database, IOutboundRepository outbound, TimeProvider time)
{
    public Task RecordAsync(long outboundId, string recipient, string eventType, object details) =>
        database.WriteAsync(tx => outbound.AddEventAsync(tx, outboundId, recipient, eventType, details, time.GetUtcNow().ToUnixTimeMilliseconds()));
}
