using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMailserver.Server.Events;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Webhooks;

/// <summary>The JSON body of a delivery: the event as WatchMailbox streams it (event_id, event_type, mailbox,
/// created_at, message_id, outbound_id, details with the message summary).</summary>
public static class WebhookPayload
{
    public static byte[] For(MailboxEventRecord e, string mailbox) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["event_id"] = e.Id,
        ["event_type"] = e.EventType,
        ["mailbox"] = mailbox,
        ["created_at"] = DateTimeOffset.FromUnixTimeMilliseconds(e.CreatedAt).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        ["message_id"] = e.MessageId,
        ["outbound_id"] = e.OutboundId ?? 0,
        ["details"] = JsonNode.Parse(e.Details),
    });
}
