extern alias ServerAssembly;
using System.Text;
using CsCheck;
using ServerAssembly::OpenMailserver.Server.Imap.Protocol;

namespace OpenMailserver.Tests.Fuzz;

/// <summary>What the IMAP property tests share: readers over text, the one exception a parser may throw,
/// and hostile input (random tokens of the grammar, deep nesting, huge numbers, random bytes).</summary>
internal static class ImapParsing
{
    public const int MaxDepth = 100;
    public const int MaxItems = 100;

    public static ImapReader Reader(string text) => new(Encoding.Latin1.GetBytes(text));

    /// <summary>Runs <paramref name="parse"/>; a grammar error is fine, any other exception fails the test.</summary>
    public static void OnlyParseErrors(Action parse)
    {
        try
        {
            parse();
        }
        catch (ImapParseException)
        {
        }
    }

    /// <summary>Strings built from pieces of IMAP syntax, so random input reaches deep into the parsers.</summary>
    public static Gen<string> Hostile(params string[] words)
    {
        var tokens = Gen.OneOf<string>([.. words, "(", ")", "[", "]", "<", ">", " ", "\"", "\\", "{", "}", "{5}\r\n", "~{3}\r\n", "*", ":", ",", "$", ".",
            "0", "1", "4294967295", "4294967296", "99999999999999999999", "-1", "NIL", "\0", "\u00ff", "\r\n"]);
        var deep = Gen.Int[0, 20_000].Select(n => new string('(', n));
        var nots = Gen.Int[0, 20_000].Select(n => string.Concat(Enumerable.Repeat("NOT ", n)));
        var random = Gen.Char.Array[0, 200].Select(c => new string(c));
        return Gen.Frequency<string>(
            (6, tokens.Array[0, 40].Select(t => string.Concat(t))),
            (1, Gen.Select(deep, tokens.Array[0, 10], (d, t) => d + string.Concat(t))),
            (1, Gen.Select(nots, tokens.Array[0, 10], (d, t) => d + string.Concat(t))),
            (2, random));
    }
}
