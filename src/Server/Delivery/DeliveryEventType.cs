namespace OpenMailserver.Server.Delivery;

/// <summary>The kinds of event a trace shows.</summary>
public static class DeliveryEventType
{
    /// <summary>The submission pipeline accepted the message.</summary>
    public const string Accepted = "accepted";
    /// <summary>A hosted recipient's copy was stored in its INBOX.</summary>
    public const string DeliveredLocal = "delivered_local";
    /// <summary>A hosted recipient could not take the message (disabled, full).</summary>
    public const string LocalFailed = "local_failed";
    /// <summary>A recipient elsewhere waits for the delivery engine.</summary>
    public const string Queued = "queued";
}
