namespace OpenMailserver.Server.Storage;

/// <summary>States of an outbound message and of each of its recipients, as the API shows them.</summary>
public static class OutboundState
{
    public const string Queued = "queued";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Deferred = "deferred";
    public const string Failed = "failed";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Queued, Sending, Sent, Deferred, Failed };
}
