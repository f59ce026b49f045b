using OpenMailserver.Server.Messages;
using OpenMailserver.Server.Storage;

namespace OpenMailserver.Server.Delivery;

/// <summary>Either the stored message or why the mailbox would not take it.</summary>
public sealed record LocalDeliveryResult(MessageRecord? Message, string? Reason)
{
    public static LocalDeliveryResult Delivered(MessageRecord message) => new(message, null);
    public static LocalDeliveryResult Refused(string reason) => new(null, reason);
}
