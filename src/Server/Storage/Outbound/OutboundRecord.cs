using System.Text.Json;

namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>outbound_messages</c>: one message a mailbox sent, its envelope recipients (a JSON
/// array) and its overall state.</summary>
public sealed record OutboundRecord(long Id, long MailboxId, string Sender, string Recipients, string Subject, string State,
    string MessageId, string QueueId, string Error, string Blob, long Size, long CreatedAt, long? SentAt, long UpdatedAt)
{
    public IReadOnlyList<string> RecipientList => JsonSerializer.Deserialize<List<string>>(Recipients) ?? [];
}
