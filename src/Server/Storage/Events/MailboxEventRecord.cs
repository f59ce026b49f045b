namespace OpenMailserver.Server.Storage;

/// <summary>A row of <c>mailbox_events</c>; <see cref="Id"/> is the cursor, <see cref="Details"/> JSON.</summary>
public sealed record MailboxEventRecord(long Id, long MailboxId, string EventType, string MessageId, long? OutboundId, string Details, long CreatedAt);
