using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Server.Imap.Session;

/// <summary>One command as received: its tag, its name (upper case; "UID FETCH" for UID commands), and a
/// reader positioned at its arguments.</summary>
public sealed record ImapCommand(string Tag, string Name, ImapReader Arguments);
