extern alias ServerAssembly;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using static OpenMailserver.Tests.Fuzz.ImapParsing;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>SEARCH criteria: generated criteria parse; hostile ones, however deep, are parse errors only.</summary>
public sealed class ImapSearchPropertyTests
{
    private static readonly Gen<string> Leaf = Gen.OneOf<string>(
        Gen.OneOf("ALL", "SEEN", "UNSEEN", "DELETED", "FLAGGED", "ANSWERED", "DRAFT", "NEW", "OLD", "RECENT"),
        Gen.Select(Gen.OneOf("FROM", "TO", "CC", "BCC", "SUBJECT", "BODY", "TEXT"), Gen.OneOf("alice", "\"two words\"", "{3}\r\nabc", "\"\""), (k, v) => k + " " + v),
        Gen.OneOf("BEFORE", "ON", "SINCE", "SENTBEFORE", "SENTON", "SENTSINCE").Select(k => k + " 1-Feb-2026"),
        Gen.Select(Gen.OneOf("LARGER", "SMALLER"), Gen.Long[0, 9_999_999_999], (k, n) => k + " " + n),
        Gen.OneOf("UID 1:*", "1,3:5", "*", "$", "UID 4294967295", "KEYWORD $Important", "HEADER X-Spam yes"));

    private static readonly Gen<string> Criteria = Gen.Recursive<string>((depth, self) => depth >= 6
        ? Leaf
        : Gen.Frequency<string>(
            (4, Leaf),
            (1, self.Select(k => "NOT " + k)),
            (1, Gen.Select(self, self, (a, b) => $"OR {a} {b}")),
            (1, self.Array[1, 4].Select(keys => "(" + string.Join(' ', keys) + ")"))));

    [Fact]
    public void Generated_criteria_parse()
    {
        Criteria.Array[1, 4].Sample(keys =>
        {
            var text = string.Join(' ', keys);
            _ = SearchParser.Parse(Reader("CHARSET UTF-8 " + text), MaxDepth, out var charset);
            Assert.Null(charset);
        }, iter: 3000);
    }

    [Fact]
    public void Hostile_criteria_are_parse_errors_only()
    {
        Hostile("ALL", "NOT", "OR", "UID", "FROM", "HEADER", "LARGER", "BEFORE", "1-Feb-2026", "CHARSET", "UTF-8", "KEYWORD")
            .Sample(text => OnlyParseErrors(() => SearchParser.Parse(Reader(text), MaxDepth, out _)), iter: 3000);
    }

    [Theory]
    // Regression cases from the issue: each once overflowed the stack and ended the process.
    [InlineData(10_000, "(", "ALL")]
    [InlineData(16_000, "NOT ", "ALL")]
    [InlineData(10_000, "OR ALL ", "ALL")]
    public void Deep_nesting_is_a_parse_error(int times, string prefix, string key)
    {
        var text = string.Concat(Enumerable.Repeat(prefix, times)) + key;
        var error = Assert.Throws<ImapParseException>(() => SearchParser.Parse(Reader(text), MaxDepth, out _));
        Assert.Equal("Search criteria nest more than 100 levels deep (parentheses, NOT and OR)", error.Message);
    }
}
