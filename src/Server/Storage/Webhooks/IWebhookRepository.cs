
namespace OpenMailserver.Server.Storage;

public interface IWebhookRepository
{
    /// <summary>Creates a webhook that receives the events recorded after this moment, owned by the API key
    /// that asked for it (revoking that key retires the webhook).</summary>
    Task<WebhookRecord> InsertAsync(long? mailboxId, long apiKeyId, string url, string eventTypes, byte[] secretNonce, long now);
    Task<WebhookRecord?> FindAsync(long id);
    /// <summary>Active webhooks, of one mailbox or (null) all.</summary>
    Task<IReadOnlyList<WebhookRecord>> ListAsync(long? mailboxId);
    Task DeleteAsync(long id, long now);
    /// <summary>Queues a delivery for each event the webhook has not seen yet and moves its mark; returns how many.</summary>
    Task<int> QueueNewEventsAsync(WebhookRecord webhook, long now, int limit);
    Task<IReadOnlyList<(WebhookDeliveryRecord Delivery, MailboxEventRecord Event)>> ListDueAsync(long now, int limit);
    Task SettleAsync(long deliveryId, string state, int status, string error, long? nextAttemptAt, long? deliveredAt);
    Task<IReadOnlyList<WebhookDeliveryRecord>> ListDeliveriesAsync(long webhookId, int limit);
}
