extern alias ServerAssembly;
using System.Reflection;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using ServerAssembly::OpenMailserver.Server.Kernel;
using static OpenMailserver.Tests.Fuzz.ImapParsing;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>Every command's argument grammar in <see cref="CommandParser"/>, found by reflection so a new
/// command is covered the day it is added: hostile arguments give only a grammar error (BAD) or, for a
/// folder name no folder can have, NO [CANNOT]; well-formed ones read back.</summary>
public sealed class ImapCommandParserPropertyTests
{
    public static TheoryData<string> Grammars()
    {
        var data = new TheoryData<string>();
        foreach (var method in Parsers()) data.Add(method.Name);
        return data;
    }

    private static IEnumerable<MethodInfo> Parsers() =>
        typeof(CommandParser).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(ImapReader) && m.Name != nameof(CommandParser.Command));

    [Fact]
    public void Reflection_finds_every_grammar()
    {
        Assert.Superset(new HashSet<string> { "Folder", "Login", "Authenticate", "Rename", "List", "Status", "Append", "Copy", "Store", "Fetch", "Search", "Sort", "Thread", "Id", "Enable", "None", "OptionalUidSet" },
            Parsers().Select(m => m.Name).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Grammars))]
    public void Hostile_arguments_are_grammar_errors_or_refused_folder_names(string grammar)
    {
        var method = Parsers().Single(m => m.Name == grammar);
        Hostile("INBOX", "RETURN", "SUBSCRIBED", "STATUS", "MESSAGES", "FLAGS", "+FLAGS", "BODY[]", "ALL", "PLAIN", "NIL", "\\Seen", "\"1-Jan-2026 00:00:00 +0000\"")
            .Sample(text =>
            {
                try
                {
                    method.Invoke(null, Arguments(method, Reader(text)));
                }
                catch (TargetInvocationException e) when (e.InnerException is ImapParseException or MailServerException { Kind: ErrorKind.InvalidArgument })
                {
                }
            }, iter: 1500);
    }

    [Theory]
    [InlineData(" INBOX", "INBOX")]
    [InlineData(" inbox/", "INBOX")]
    [InlineData(" \"Sent Items\"", "Sent Items")]
    [InlineData(" &AMk-t&AOk-", "\u00c9t\u00e9")]
    public void Folder_names_are_decoded_and_normalised(string text, string name) => Assert.Equal(name, CommandParser.Folder(Reader(text)));

    [Fact]
    public void A_list_command_reads_back()
    {
        var list = CommandParser.List(Reader(" (SUBSCRIBED RECURSIVEMATCH) \"\" (\"*\" \"%/x\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN MESSAGES))"), lsub: false);
        Assert.True(list.SelectSubscribed && list.RecursiveMatch && list.ReturnSubscribed);
        Assert.Equal(["*", "%/x"], list.Patterns);
        Assert.Equal(["MESSAGES", "UNSEEN"], list.StatusItems);
    }

    [Fact]
    public void An_append_command_reads_back()
    {
        var append = CommandParser.Append(Reader(" Drafts (\\Seen $Label) \"05-Dec-2026 10:00:00 +0100\" {5}\r\nHello"), 100);
        Assert.Equal("Drafts", append.Folder);
        var message = Assert.Single(append.Messages);
        Assert.Equal(["\\Seen", "$Label"], message.Flags);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero), message.Received);
        Assert.Equal("Hello"u8.ToArray(), message.Content.ToArray());

        // MULTIAPPEND: more messages, each with its own options.
        var several = CommandParser.Append(Reader(" INBOX {1}\r\na (\\Flagged) {2}\r\nbc ~{1}\r\nd"), 3);
        Assert.Equal(["a", "bc", "d"], several.Messages.Select(m => System.Text.Encoding.ASCII.GetString(m.Content.Span)));
        Assert.Equal([[], ["\\Flagged"], []], several.Messages.Select(m => m.Flags));
        Assert.Equal("APPEND takes at most 2 messages", Assert.Throws<ImapParseException>(() => CommandParser.Append(Reader(" INBOX {1}\r\na {1}\r\nb {1}\r\nc"), 2)).Message);
    }

    private static object[] Arguments(MethodInfo method, ImapReader reader) =>
        [.. method.GetParameters().Select((p, i) => i == 0 ? reader : p.ParameterType == typeof(bool) ? (object)true : MaxItems)];
}
