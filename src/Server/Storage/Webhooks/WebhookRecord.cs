namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>webhooks</c>: <see cref="MailboxId"/> null for a webhook on every mailbox;
/// <see cref="EventTypes"/> space-separated, empty for all.</summary>
public sealed record WebhookRecord(long Id, long? MailboxId, string Url, string EventTypes, byte[] SecretNonce, long LastEventId, long CreatedAt, long? DeletedAt)
{
    public IReadOnlyList<string> EventTypeList => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
