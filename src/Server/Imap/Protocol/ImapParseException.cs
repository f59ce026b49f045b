namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>A command that does not follow the grammar; the session answers it with BAD and the text.</summary>
public sealed class ImapParseException(string message) : Exception(message);
