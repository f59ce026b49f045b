using System.Data.Common;

namespace OpenMailserver.Server.Delivery;

/// <summary>Outbound messages, their recipients and their delivery events.</summary>
public interface IOutboundRepository
{
    Task<OutboundRecord> InsertAsync(DbTransaction tx, long mailboxId, string sender, IReadOnlyList<string> recipients, string subject,
        string messageId, string queueId, string blob, long size, long now);
    Task InsertRecipientAsync(DbTransaction tx, long outboundId, string address, bool local, string state, string error, long now);
    Task AddEventAsync(DbTransaction tx, long outboundId, string recipient, string eventType, object details, long now);
    Task<OutboundRecord> SetStateAsync(DbTransaction tx, long id, string state, string error, long? sentAt, long now);
    Task<OutboundRecord?> FindAsync(long id);
    /// <summary>Newest first; all mailboxes when <paramref name="mailboxId"/> is null.</summary>
    Task<IReadOnlyList<OutboundRecord>> ListAsync(long? mailboxId, string? state, int limit);
    Task<IReadOnlyList<DeliveryEventRecord>> ListEventsAsync(long outboundId);
    Task<long> CountSinceAsync(long mailboxId, long since, DbTransaction? tx = null);
    Task<(long Count, long? OldestCreatedAt)> BacklogAsync();
}
