extern alias ServerAssembly;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using static OpenMailserver.Tests.Fuzz.ImapParsing;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>FETCH item lists: generated lists parse to as many items as written; hostile ones are parse
/// errors only, and lists over the item bound are refused.</summary>
public sealed class ImapFetchPropertyTests
{
    private static readonly Gen<string> Section = Gen.Select(
        Gen.Int[1, 30].Array[0, 5].Select(path => string.Join('.', path)),
        Gen.OneOf("", "HEADER", "TEXT", "MIME", "HEADER.FIELDS (From To)", "HEADER.FIELDS.NOT (Subject)"),
        Gen.OneOf("", "<0.10>", "<5.4294967295>"),
        (path, specifier, partial) =>
        {
            if (specifier == "MIME" && path.Length == 0) specifier = "";
            var inner = path.Length > 0 && specifier.Length > 0 ? path + "." + specifier : path + specifier;
            return $"[{inner}]{partial}";
        });

    private static readonly Gen<string> Item = Gen.OneOf<string>(
        Gen.OneOf("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "BODY", "UID", "RFC822", "RFC822.HEADER", "RFC822.TEXT"),
        Gen.Select(Gen.OneOf("BODY", "BODY.PEEK"), Section, (name, section) => name + section));

    [Fact]
    public void Generated_item_lists_parse_to_as_many_items()
    {
        Item.Array[1, MaxItems].Sample(items =>
        {
            var parsed = FetchParser.Parse(Reader("(" + string.Join(' ', items) + ")"), MaxItems, MaxDepth);
            Assert.Equal(items.Length, parsed.Count);
        }, iter: 2000);
    }

    [Fact]
    public void Hostile_item_lists_are_parse_errors_only()
    {
        Hostile("BODY", "BODY.PEEK", "HEADER.FIELDS", "MIME", "TEXT", "FLAGS", "ALL", "FULL", "UID")
            .Sample(text => OnlyParseErrors(() => FetchParser.Parse(Reader(text), MaxItems, MaxDepth)), iter: 3000);
    }

    [Theory]
    // Regression cases: the amplification of the issue (700 whole bodies), a name that grew quadratically,
    // and a section path deeper than any message.
    [InlineData("(BODY.PEEK[] ", 700, ")", "FETCH takes at most 100 data items")]
    [InlineData("", 60_000, "", "Unknown FETCH data item")]
    [InlineData("BODY[", 200, "]", "A section path has at most 100 part numbers")]
    public void Over_the_bounds_is_a_parse_error(string head, int times, string tail, string message)
    {
        var repeated = head switch
        {
            "(BODY.PEEK[] " => string.Concat(Enumerable.Repeat("BODY.PEEK[] ", times)).TrimEnd(),
            "BODY[" => string.Join('.', Enumerable.Repeat("1", times)),
            _ => new string('X', times),
        };
        var text = (head == "(BODY.PEEK[] " ? "(" : head) + repeated + tail;
        var error = Assert.Throws<ImapParseException>(() => FetchParser.Parse(Reader(text), MaxItems, MaxDepth));
        Assert.StartsWith(message, error.Message);
    }
}
