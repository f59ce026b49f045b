using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Imap.Protocol;
using OpenMailserver.Server.Kernel;

namespace OpenMailserver.Fuzz;

/// <summary>One IMAP command line with its literals inlined, as the session hands it to its handler: the tag
/// and name, then the command's arguments as <see cref="CommandParser"/> reads them. A BAD
/// (ImapParseException) or NO [CANNOT] for a folder name (MailServerException) is the expected answer to
/// garbage; any other exception, a hang or a stack overflow is a finding.</summary>
public static class ImapCommandTarget
{
    private static readonly ImapOptions Limits = new();

    public static void Run(byte[] input)
    {
        var space = Array.IndexOf(input, (byte)' ');
        if (space <= 0) return;
        try
        {
            var command = CommandParser.Command("a", new ImapReader(input, space));
            Arguments(command.Name, command.Arguments);
        }
        catch (Exception e) when (e is ImapParseException or MailServerException)
        {
        }
    }

    private static void Arguments(string name, ImapReader a)
    {
        switch (name)
        {
            case "SEARCH" or "UID SEARCH": CommandParser.Search(a, Limits.MaxNestingDepth); break;
            case "FETCH" or "UID FETCH": CommandParser.Fetch(a, Limits.MaxFetchItems, Limits.MaxNestingDepth); break;
            case "STORE" or "UID STORE": CommandParser.Store(a); break;
            case "COPY" or "MOVE" or "UID COPY" or "UID MOVE": CommandParser.Copy(a); break;
            case "EXPUNGE" or "UID EXPUNGE": CommandParser.OptionalUidSet(a, name == "UID EXPUNGE"); break;
            case "LOGIN": CommandParser.Login(a); break;
            case "AUTHENTICATE": CommandParser.Authenticate(a); break;
            case "LIST" or "LSUB": CommandParser.List(a, name == "LSUB"); break;
            case "RENAME": CommandParser.Rename(a); break;
            case "STATUS": CommandParser.Status(a); break;
            case "APPEND": CommandParser.Append(a, Limits.MaxAppendMessages); break;
            case "ID": CommandParser.Id(a); break;
            case "ENABLE": CommandParser.Enable(a); break;
            case "SELECT" or "EXAMINE" or "CREATE" or "DELETE" or "SUBSCRIBE" or "UNSUBSCRIBE": CommandParser.Folder(a); break;
            default: CommandParser.None(a); break;
        }
    }
}
