namespace OpenMailserver.Server.Events;

/// <summary>The kinds of mailbox event, as watchers and webhooks name them.</summary>
public static class MailboxEventType
{
    public const string Received = "message.received";
    public const string Sent = "message.sent";
    public const string Delivered = "message.delivered";
    public const string Deferred = "message.deferred";
    public const string Failed = "message.failed";
    public const string Bounced = "message.bounced";
    public const string FlagsChanged = "message.flags_changed";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Received, Sent, Delivered, Deferred, Failed, Bounced, FlagsChanged };
}
