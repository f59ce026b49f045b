using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Storage;

/// <summary>Outbound messages, their recipients (the delivery queue) and their delivery events.</summary>
public interface IOutboundRepository
{
    Task<OutboundRecord> InsertAsync(IUnitOfWork tx, long mailboxId, string sender, IReadOnlyList<string> recipients, string subject,
        string messageId, string queueId, string blob, long size, long now);
    Task InsertRecipientAsync(IUnitOfWork tx, long outboundId, string address, bool local, string state, string error, long now);
    Task AddEventAsync(IUnitOfWork tx, long outboundId, string recipient, string eventType, object details, long now);
    Task<OutboundRecord> SetStateAsync(IUnitOfWork tx, long id, string state, string error, long? sentAt, long now);
    Task<OutboundRecord?> FindAsync(long id, IUnitOfWork? tx = null);
    /// <summary>The send that claimed an idempotency key at or after <paramref name="since"/>.</summary>
    Task<(byte[] RequestHash, long OutboundId)?> FindIdempotencyKeyAsync(long mailboxId, string key, long since);
    /// <summary>Claims a key for a send, replacing an expired claim and forgetting claims older than <paramref name="expiredBefore"/>.</summary>
    Task ClaimIdempotencyKeyAsync(IUnitOfWork tx, long mailboxId, string key, byte[] requestHash, long outboundId, long now, long expiredBefore);
    /// <summary>Newest first; all mailboxes when <paramref name="mailboxId"/> is null.</summary>
    Task<IReadOnlyList<OutboundRecord>> ListAsync(long? mailboxId, IReadOnlyCollection<string>? states, int limit);
    /// <summary>Newest first, filtered, after the id of the previous page's last message.</summary>
    Task<IReadOnlyList<OutboundRecord>> QueryAsync(OutboundQuery query);
    Task<IReadOnlyList<DeliveryEventRecord>> ListEventsAsync(long outboundId);
    Task<long> CountSinceAsync(long mailboxId, long since, IUnitOfWork? tx = null);
    /// <summary>Pending messages and the creation time of the oldest.</summary>
    Task<(long Count, long? OldestCreatedAt)> BacklogAsync();

    Task<IReadOnlyList<OutboundRecipientRecord>> ListRecipientsAsync(IReadOnlyCollection<long> outboundIds, IUnitOfWork? tx = null);
    /// <summary>Marks up to <paramref name="limit"/> remote recipients that are due as <c>sending</c> and returns them.</summary>
    Task<IReadOnlyList<OutboundRecipientRecord>> LeaseDueAsync(IUnitOfWork tx, long now, int limit);
    /// <summary>Puts recipients left <c>sending</c> (by a crash, a stop or a fault) back in the queue, due at <paramref name="dueAt"/>.</summary>
    Task<IReadOnlyList<OutboundRecipientRecord>> ReleaseLeasedAsync(IUnitOfWork tx, IReadOnlyCollection<long>? ids, long now, long dueAt);
    /// <summary>When the next queued or deferred remote recipient is due, if any is.</summary>
    Task<long?> NextDueAtAsync();
    Task UpdateRecipientAsync(IUnitOfWork tx, long id, string state, int attempts, long? nextAttemptAt, string lastError, long now);
}
