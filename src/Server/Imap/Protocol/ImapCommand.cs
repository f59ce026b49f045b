namespace OpenMailserver.Server.Imap.Protocol;

/// <summary>One command as received: its tag, its name (upper case; "UID FETCH" for UID commands), and a
/// reader positioned at its arguments, which <see cref="CommandParser"/> reads for the command's handler.</summary>
public sealed record ImapCommand(string Tag, string Name, ImapReader Arguments);
