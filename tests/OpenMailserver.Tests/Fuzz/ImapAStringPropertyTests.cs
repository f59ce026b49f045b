extern alias ServerAssembly;
using System.Text;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;
using static OpenMailserver.Tests.Fuzz.ImapParsing;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>Astrings (mailbox names, user names, header names): any value written as an atom, a quoted
/// string, a literal or a literal8 reads back as itself; hostile text is a parse error only.</summary>
public sealed class ImapAStringPropertyTests
{
    private static readonly Gen<string> Atoms = Gen.Char["abcXYZ019~&-_./]+!#"].Array[1, 30].Select(c => new string(c));

    [Fact]
    public void Atoms_quoted_strings_and_literals_round_trip()
    {
        Atoms.Sample(atom => Assert.Equal(atom, Reader(atom).AString()), iter: 3000);
        Gen.Char[' ', '~'].Array[0, 40].Select(c => new string(c)).Sample(value =>
        {
            var quoted = "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
            Assert.Equal(value, Reader(quoted).AString());
            var bytes = Encoding.UTF8.GetByteCount(value);
            Assert.Equal(value, Reader($"{{{bytes}}}\r\n{value}").AString());
            Assert.Equal(value, Reader($"~{{{bytes}+}}\r\n{value}").AString());
        }, iter: 3000);
    }

    [Fact]
    public void Hostile_astrings_are_parse_errors_only()
    {
        Hostile("INBOX", "~", "~foo", "&-", "&Jjo-", "&AAA").Sample(text =>
        {
            OnlyParseErrors(() => Reader(text).AString());
            OnlyParseErrors(() => ModifiedUtf7.Decode(text));
        }, iter: 3000);
    }

    [Theory]
    // Regression: '~' was always taken for the start of a literal8, so the name ~archive was BAD.
    [InlineData("~archive", "~archive")]
    [InlineData("~", "~")]
    [InlineData("~{3}\r\nabc", "abc")]
    public void A_tilde_starts_a_literal8_only_before_a_brace(string text, string value)
    {
        Assert.Equal(value, Reader(text).AString());
    }
}
