extern alias ServerAssembly;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using static OpenMailserver.Tests.Fuzz.ImapParsing;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>STORE arguments (<c>sequence-set SP [+|-]FLAGS[.SILENT] SP flag-list</c>), read by the
/// parser StoreHandler asks for them: generated arguments read back; hostile ones are
/// parse errors only.</summary>
public sealed class ImapStorePropertyTests
{
    private static readonly Gen<string> Flag = Gen.OneOf<string>(
        Gen.OneOf("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Recent"),
        Gen.Char["abcXYZ019$_-."].Array[1, 20].Select(c => new string(c)));

    private static (string Set, string Operation, List<string> Flags) Read(string text)
    {
        var read = CommandParser.Store(Reader(" " + text));
        return (read.Set.ToString(), read.Operation + (read.Silent ? ".SILENT" : ""), [.. read.Flags]);
    }

    [Fact]
    public void Generated_arguments_read_back()
    {
        Gen.Select(Gen.OneOf("1", "1:*", "2,4:6", "$", "4294967295"), Gen.OneOf("FLAGS", "+FLAGS", "-FLAGS.SILENT"), Flag.Array[0, 10], Gen.Bool)
            .Sample((set, operation, flags, parenthesised) =>
            {
                if (!parenthesised && flags.Length == 0) flags = ["\\Seen"];
                var list = parenthesised ? "(" + string.Join(' ', flags) + ")" : string.Join(' ', flags);
                var read = Read($"{set} {operation} {list}");
                Assert.Equal((set, operation), (read.Set, read.Operation));
                Assert.Equal(flags, read.Flags);
            }, iter: 3000);
    }

    [Fact]
    public void Hostile_arguments_are_parse_errors_only()
    {
        Hostile("FLAGS", "+FLAGS", "-FLAGS.SILENT", "\\Seen", "\\", "1:*").Sample(text => OnlyParseErrors(() => Read(text)), iter: 3000);
    }
}
