namespace OpenMailserver.Server.Delivery;

/// <summary>The kinds of event a trace shows, in the order a delivery meets them.</summary>
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
    /// <summary>The worker took the recipients of one domain for an attempt.</summary>
    public const string Attempt = "attempt";
    /// <summary>How the destination is reached: an MX override, the relay, MX records or the domain's address.</summary>
    public const string Route = "route";
    /// <summary>The message was signed with the sender domain's DKIM key.</summary>
    public const string DkimSigned = "dkim_signed";
    /// <summary>A TCP connection to a mail host is being opened.</summary>
    public const string Connecting = "connecting";
    /// <summary>A mail host could not be reached, was refused as a private address, crossed a bound on its
    /// replies or a deadline, or its session broke; the next one is tried.</summary>
    public const string HostFailed = "host_failed";
    /// <summary>An SMTP session is open; says whether it is encrypted.</summary>
    public const string Connected = "connected";
    /// <summary>The remote reply to MAIL FROM when it refused the sender.</summary>
    public const string MailFrom = "mail_from";
    /// <summary>The remote reply to one RCPT TO.</summary>
    public const string Rcpt = "rcpt";
    /// <summary>The remote reply to the message data, with the remote queue id.</summary>
    public const string Data = "data";
    /// <summary>The remote host took responsibility for the recipient.</summary>
    public const string Delivered = "delivered";
    /// <summary>A temporary failure; another attempt is scheduled.</summary>
    public const string Deferred = "deferred";
    /// <summary>A permanent failure for the recipient.</summary>
    public const string Failed = "failed";
    /// <summary>The retry schedule ran out.</summary>
    public const string Expired = "expired";
    /// <summary>A delivery status notification went to the sender's INBOX.</summary>
    public const string Bounced = "bounced";
    /// <summary>No notification was sent: the message was itself a notification, or the sender cannot take it.</summary>
    public const string BounceSuppressed = "bounce_suppressed";
    /// <summary>An operator asked for an attempt now.</summary>
    public const string RetryRequested = "retry_requested";
    /// <summary>An operator cancelled the remaining deliveries.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>The server stopped during an attempt; the recipient went back to the queue.</summary>
    public const string Requeued = "requeued";
}
