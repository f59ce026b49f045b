namespace OpenMailserver.Server.Webhooks;

public static class WebhookDeliveryState
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
