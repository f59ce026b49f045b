using OpenMailserver.Server.Configuration;
using OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Fuzz;

/// <summary>One IMAP command line with its literals inlined, as the session hands it to a command: the tag
/// and name, then the arguments of the commands whose grammar is richest. A BAD (ImapParseException) is
/// the expected answer to garbage; any other exception, a hang or a stack overflow is a finding.</summary>
public static class ImapCommandTarget
{
    private static readonly ImapOptions Limits = new();

    public static void Run(byte[] input)
    {
        var space = Array.IndexOf(input, (byte)' ');
        if (space <= 0) return;
        var reader = new ImapReader(input, space);
        try
        {
            reader.Space();
            var name = reader.Atom("a command name").ToUpperInvariant();
            if (name == "UID")
            {
                reader.Space();
                name = reader.Atom("a command name").ToUpperInvariant();
            }
            Arguments(name, reader);
        }
        catch (ImapParseException)
        {
        }
    }

    private static void Arguments(string name, ImapReader a)
    {
        switch (name)
        {
            case "SEARCH":
                a.Space();
                SearchParser.Parse(a, Limits.MaxNestingDepth, out _);
                break;
            case "FETCH":
                a.Space();
                a.SequenceSet();
                a.Space();
                FetchParser.Parse(a, Limits.MaxFetchItems, Limits.MaxNestingDepth);
                break;
            case "STORE":
                a.Space();
                a.SequenceSet();
                a.Space();
                a.Atom("FLAGS, +FLAGS or -FLAGS");
                a.Space();
                a.FlagList();
                break;
            case "COPY" or "MOVE":
                a.Space();
                a.SequenceSet();
                a.Space();
                a.AString("a folder name");
                break;
            case "LOGIN" or "LIST" or "LSUB" or "RENAME":
                a.Space();
                a.AString();
                a.Space();
                a.AString();
                break;
            case "APPEND":
                a.Space();
                a.AString("a folder name");
                a.Space();
                if (a.Peek() == '(')
                {
                    a.FlagList();
                    a.Space();
                }
                if (a.Peek() == '"')
                {
                    ImapDateTime.TryParse(a.String("a date"), out _);
                    a.Space();
                }
                a.StringMemory("the message");
                break;
            default:
                a.Space();
                ModifiedUtf7.Decode(a.AString("a folder name"));
                break;
        }
        a.End();
    }
}
