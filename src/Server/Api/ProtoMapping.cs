using OpenMailserver.Server.Accounts;
using OpenMailserver.Server.Delivery;
using OpenMailserver.Server.Storage;
using OpenMailserver.Server.Views;
using OpenMailserver.V1;

namespace OpenMailserver.Server.Api;

/// <summary>Domain records to API messages.</summary>
public static class ProtoMapping
{
    public static Mailbox ToProto(this MailboxRecord m) => new()
    {
        Id = m.Id, Email = m.Address, Quota = m.Quota, StorageQuota = m.StorageQuota, Active = m.IsActive, CreatedAt = ProtoTime.From(m.CreatedAt),
    };

    public static Alias ToProto(this AliasRecord a) => new() { Id = a.Id, Source = a.Source, Destination = a.Destination };

    public static IssuedApiKey ToProto(this IssuedKey k) => new() { Id = k.Id, Key = k.RawKey, Scopes = { k.Scopes } };

    public static ApiKeyInfo ToProto(this ApiKeyRecord k) => new()
    {
        Id = k.Id, Name = k.Name, Prefix = k.Prefix, Scopes = { k.ScopeList }, CreatedAt = ProtoTime.From(k.CreatedAt),
        RevokedAt = ProtoTime.From(k.RevokedAt), LastUsedAt = ProtoTime.From(k.LastUsedAt),
    };

    public static OutboundMessage ToProto(this OutboundRecord o) => new()
    {
        Id = o.Id, Sender = o.Sender, Recipients = { o.RecipientList }, Subject = o.Subject, State = o.State, MessageId = o.MessageId,
        QueueId = o.QueueId, Error = o.Error, CreatedAt = ProtoTime.From(o.CreatedAt), SentAt = ProtoTime.From(o.SentAt),
    };

    public static QueueEntry ToQueueEntry(this OutboundRecord o, IEnumerable<OutboundRecipientRecord> recipients)
    {
        var remote = recipients.Where(r => !r.IsLocal).ToList();
        return new QueueEntry
        {
            Id = o.Id, State = o.State, QueueId = o.QueueId, MessageId = o.MessageId, Error = o.Error, CreatedAt = ProtoTime.From(o.CreatedAt),
            Sender = o.Sender, Attempts = remote.Count == 0 ? 0 : (int)remote.Max(r => r.Attempts),
            NextAttemptAt = ProtoTime.From(remote.Where(r => r.State is OutboundState.Queued or OutboundState.Deferred).Min(r => r.NextAttemptAt)),
            Recipients =
            {
                remote.Select(r => new QueueRecipient
                {
                    Address = r.Address, State = r.State, Attempts = (int)r.Attempts, LastError = r.LastError,
                    NextAttemptAt = ProtoTime.From(r.State is OutboundState.Queued or OutboundState.Deferred ? r.NextAttemptAt : null),
                }),
            },
        };
    }
}
