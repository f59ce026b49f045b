namespace OpenMailserver.Server.Messages;

/// <summary>How a door stores a message. <see cref="ReceivedAt"/> is its internal date (IMAP APPEND may set
/// one from the past); the event is dated <see cref="EventAt"/>, or the internal date when not given; an import
/// records none (<see cref="Event"/> null).
/// <see cref="Own"/> is for the sender's own copy of what it sent: kept even when the mailbox is full or
/// disabled, since the message has left anyway.</summary>
public sealed record IngestOptions(string? Event, long ReceivedAt, string Flags = "", long? EventAt = null, long? OutboundId = null, bool Own = false);
