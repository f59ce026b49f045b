extern alias ServerAssembly;
using System.Text;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Tests.Imap;

/// <summary>The socket-free protocol layer: parsing and formatting, including random input.</summary>
public sealed class ImapProtocolTests
{
    private static ImapReader Reader(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Strings_atoms_quoted_literals_and_nil()
    {
        var r = Reader("atom \"quo\\\"ted\" {5}\r\nlit\r\n NIL ~{3}\r\nabc");
        Assert.Equal("atom", r.AString());
        r.Space();
        Assert.Equal("quo\"ted", r.AString());
        r.Space();
        Assert.Equal("lit\r\n", r.AString());
        r.Space();
        Assert.Null(r.NString());
        r.Space();
        Assert.Equal("abc", r.String());
        r.End();
    }

    [Theory]
    [InlineData("\"unterminated")]
    [InlineData("\"bad \\escape\"")]
    [InlineData("{10}\r\nshort")]
    [InlineData("{5}no-crlf")]
    public void Broken_strings_are_parse_errors(string text)
    {
        Assert.Throws<ImapParseException>(() => Reader(text).AString());
    }

    [Theory]
    [InlineData("1", 1u, 10u, true)]
    [InlineData("2:4", 3u, 10u, true)]
    [InlineData("4:2", 3u, 10u, true)]
    [InlineData("2:4", 5u, 10u, false)]
    [InlineData("*", 10u, 10u, true)]
    [InlineData("*", 9u, 10u, false)]
    [InlineData("5:*", 7u, 10u, true)]
    [InlineData("*:5", 7u, 10u, true)]
    [InlineData("1,3,5:6", 6u, 10u, true)]
    [InlineData("1,3,5:6", 4u, 10u, false)]
    public void Sequence_sets(string set, uint value, uint largest, bool expected)
    {
        Assert.Equal(expected, SequenceSet.Parse(set).Contains(value, largest));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1:0")]
    [InlineData("")]
    [InlineData("1,,2")]
    [InlineData("a")]
    [InlineData("99999999999")]
    [InlineData("1:2:3")]
    public void Invalid_sequence_sets(string set)
    {
        Assert.Throws<ImapParseException>(() => SequenceSet.Parse(set));
    }

    [Fact]
    public void Compact_formatting_of_uid_lists()
    {
        Assert.Equal("1:3,5,7:8", SequenceSet.Format([3, 1, 2, 5, 8, 7]));
    }

    [Theory]
    [InlineData("Grüße", "Gr&APwA3w-e")]
    [InlineData("A & B", "A &- B")]
    [InlineData("日本語", "&ZeVnLIqe-")]
    [InlineData("plain", "plain")]
    public void Modified_utf7_round_trips(string text, string encoded)
    {
        Assert.Equal(encoded, ModifiedUtf7.Encode(text));
        Assert.Equal(text, ModifiedUtf7.Decode(encoded));
    }

    [Fact]
    public void Fetch_items_macros_and_sections()
    {
        var items = FetchParser.Parse(Reader("(UID FLAGS BODY.PEEK[1.2.HEADER.FIELDS (From To)]<10.20> BODY[TEXT] RFC822.SIZE)"), 100, 100);
        Assert.Equal([FetchKind.Uid, FetchKind.Flags, FetchKind.Section, FetchKind.Section, FetchKind.Rfc822Size], items.Select(i => i.Kind));
        var section = items[2];
        Assert.Equal([1, 2], section.Path);
        Assert.Equal("HEADER.FIELDS", section.Specifier);
        Assert.Equal(["From", "To"], section.Fields!);
        Assert.True(section.Peek);
        Assert.Equal((10L, 20L), (section.PartialStart!.Value, section.PartialLength!.Value));
        Assert.Equal("BODY[1.2.HEADER.FIELDS (FROM TO)]<10>", section.ResponseName);
        Assert.True(items[3].SetsSeen);
        Assert.Equal(4, FetchParser.Parse(Reader("ALL"), 100, 100).Count);
        Assert.Equal(5, FetchParser.Parse(Reader("FULL"), 100, 100).Count);
    }

    [Fact]
    public void Search_criteria_tree()
    {
        var key = SearchParser.Parse(Reader("CHARSET UTF-8 OR FROM alice (NOT SEEN LARGER 10) UID 1:5"), 100, out var charset);
        Assert.Null(charset);
        var and = Assert.IsType<SearchKey.And>(key);
        Assert.IsType<SearchKey.Or>(and.Keys[0]);
        Assert.IsType<SearchKey.Sequence>(and.Keys[1]);
        // FROM is answered from the index; only BODY, TEXT and other headers read the message.
        Assert.False(key.NeedsContent);
        Assert.True(key.UsesIndexedHeaders);
        Assert.True(SearchParser.Parse(Reader("OR BODY x HEADER X-Spam yes"), 100, out _).NeedsContent);
        SearchParser.Parse(Reader("CHARSET ISO-2022-JP ALL"), 100, out charset);
        Assert.Equal("ISO-2022-JP", charset);
    }

    [Fact]
    public void Date_times()
    {
        Assert.True(ImapDateTime.TryParse(" 5-Nov-2026 16:00:00 +0100", out var value));
        Assert.Equal(new DateTimeOffset(2026, 11, 5, 16, 0, 0, TimeSpan.FromHours(1)), value);
        Assert.False(ImapDateTime.TryParse("5-Nov-2026 16:00:00", out _));
        Assert.False(ImapDateTime.TryParse("5-Foo-2026 16:00:00 +0000", out _));
        Assert.Equal("05-Nov-2026 15:00:00 +0000", ImapDateTime.Format(value));
    }

    [Fact]
    public void Responses_quote_plain_text_and_use_literals_otherwise()
    {
        var r = new ImapResponse();
        r.String("plain \"quoted\" \\ text").Space().String("Grüße").Space().NString(null);
        Assert.Equal("\"plain \\\"quoted\\\" \\\\ text\" {7}\r\nGrüße NIL", Encoding.UTF8.GetString(r.Bytes.Span));
    }

    /// <summary>Random bytes into every parser: each input parses or fails with ImapParseException, never
    /// anything else.</summary>
    [Fact]
    public void Random_input_never_escapes_as_another_exception()
    {
        var random = new Random(1234);
        const string alphabet = "()[]<>{}\"\\*%$:.,+-~ 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n\0\u00ff";
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var bytes = Encoding.Latin1.GetBytes(text);
            Exercise(() => FetchParser.Parse(new ImapReader(bytes), 100, 100));
            Exercise(() => SearchParser.Parse(new ImapReader(bytes), 100, out _));
            Exercise(() => new ImapReader(bytes).FlagList());
            Exercise(() => new ImapReader(bytes).AString());
            Exercise(() => SequenceSet.Parse(text));
            Exercise(() => ModifiedUtf7.Decode(text));
        }
    }

    private static void Exercise(Action parse)
    {
        try
        {
            parse();
        }
        catch (ImapParseException)
        {
        }
    }
}
