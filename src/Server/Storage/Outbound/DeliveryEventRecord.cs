namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>delivery_events</c>; <see cref="Details"/> is a JSON object.</summary>
public sealed record DeliveryEventRecord(long Id, long OutboundId, string Recipient, string EventType, string Details, long CreatedAt);
