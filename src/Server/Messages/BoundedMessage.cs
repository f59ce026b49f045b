using MimeKit;

namespace OpenMailserver.Server.Messages;

/// <summary>A parsed message; <see cref="Truncated"/> when parts, nesting or header fields beyond the limits
/// were left out of it.</summary>
public sealed record BoundedMessage(MimeMessage Mime, bool Truncated);
