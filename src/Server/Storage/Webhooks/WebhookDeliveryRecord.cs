namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>webhook_deliveries</c> with its event's type; times in Unix milliseconds.</summary>
public sealed record WebhookDeliveryRecord(long Id, long WebhookId, long EventId, string EventType, string State, long Attempts, long LastStatus,
    string LastError, long? NextAttemptAt, long? DeliveredAt, long CreatedAt);
